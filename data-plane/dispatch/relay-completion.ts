import type { AttemptRun } from './attempt-run.ts';

/** A non-streamed attempt: one upstream answer, relayed as JSON. Errors propagate to the attempt. */
export async function completeAttempt(run: AttemptRun): Promise<void> {
  const { exchange, meter, clock, call } = run;
  const adapter = run.deps.adapters[call.provider.kind];
  const result = await clock.race(adapter.complete(call));
  meter.answered(result.status);
  run.deps.routing.stats.recordLatency(run.target.deployment.id, false, meter.elapsedMs());
  if (result.usage) meter.reportUsage(result.usage);
  else for (const choice of result.completion.choices) meter.countText(messageContent(choice));
  if (run.output) for (const choice of result.completion.choices) run.output(messageContent(choice));
  run.commit();
  // Usage first, then the answer: a process killed in between loses a response, never its usage.
  await run.end('ok');
  exchange.sendJson(200, result.completion);
}

function messageContent(choice: object): string {
  const content = (choice as { message?: { content?: unknown } }).message?.content;
  return typeof content === 'string' ? content : '';
}
