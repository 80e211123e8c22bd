import { type AttemptRun, setOverheadHeader } from './attempt-run.ts';

/** A non-streamed attempt: one upstream answer, relayed as JSON. Errors propagate to dispatch. */
export async function relayCompletion(run: AttemptRun): Promise<void> {
  const { exchange, meter } = run;
  const adapter = run.deps.adapters[run.call.provider.kind];
  const result = await adapter.complete(run.call);
  meter.answered(result.status);
  if (result.usage) meter.reportUsage(result.usage);
  else for (const choice of result.completion.choices) meter.countText(messageContent(choice));
  setOverheadHeader(run);
  exchange.sendJson(200, result.completion);
  run.end('ok');
}

function messageContent(choice: object): string {
  const content = (choice as { message?: { content?: unknown } }).message?.content;
  return typeof content === 'string' ? content : '';
}
