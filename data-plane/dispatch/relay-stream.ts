import { type ChatCompletionChunk, toCompletionUsage } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';
import type { StreamEvent } from '../providers/adapter.ts';
import { upstreamInvalidResponse } from '../providers/upstream-errors.ts';
import type { AttemptRun } from './attempt-run.ts';

/**
 * A streamed attempt. Nothing reaches the client until the upstream's first event: until then a
 * failure (an error status, a stall, a stream that ends empty) is still the loop's to retry.
 * From the first event on the request is committed; a later failure becomes the final SSE error
 * event (rendered by the exchange) and never a `[DONE]`. Each frame is awaited, so a slow client
 * slows the upstream read instead of filling memory; the idle deadline only runs while we wait on
 * the upstream, never while the client makes us wait.
 */
export async function streamAttempt(run: AttemptRun): Promise<void> {
  const { meter, clock, call } = run;
  const adapter = run.deps.adapters[call.provider.kind];
  const opened = await clock.race(adapter.stream(call));
  meter.answered(opened.status);
  const events = opened.events[Symbol.asyncIterator]();
  try {
    const first = await clock.race(events.next());
    if (first.done) throw upstreamInvalidResponse(call.provider.name, opened.status, 'the stream ended before its first event');
    clock.gotFirstByte();
    run.deps.routing.stats.recordLatency(run.target.deployment.id, true, meter.elapsedMs());
    run.commit();
    await relay(run, first.value, events);
  } finally {
    // Stopping early (failure, abort, deadline) must release the upstream connection; after a
    // complete stream this is a no-op.
    Promise.resolve(events.return?.()).catch(() => {});
  }
}

async function relay(run: AttemptRun, first: StreamEvent, events: AsyncIterator<StreamEvent>): Promise<void> {
  const { exchange, meter, clock, call } = run;
  const stream = exchange.openEventStream();
  // The client's own choice: we always ask the upstream for usage, but forward it only on request.
  const clientWantsUsage = call.request.stream_options?.include_usage === true;
  let lastChunk: ChatCompletionChunk | null = null;
  let usageSent = false;

  let event: StreamEvent | null = first;
  while (event !== null && !exchange.signal.aborted) {
    if (event.type === 'chunk') {
      meter.countChunk(event.chunk);
      if (run.output) for (const choice of event.chunk.choices) if (choice.delta?.content) run.output(choice.delta.content);
      lastChunk = event.chunk;
      await stream.send(event.raw ?? JSON.stringify(event.chunk));
    } else {
      meter.reportUsage(event.usage);
      if (clientWantsUsage) {
        await stream.send(JSON.stringify(event.chunk ?? usageChunk(lastChunk, call.upstreamModel, event.usage)));
        usageSent = true;
      }
    }
    if (exchange.signal.aborted) break;
    const next: IteratorResult<StreamEvent> = await clock.race(events.next(), true);
    event = next.done ? null : next.value;
  }
  if (exchange.signal.aborted) return; // the attempt reports itself aborted
  if (clientWantsUsage && !usageSent) {
    // The upstream reported nothing: the client still gets the usage chunk it asked for, with
    // the same estimate the usage event carries (flagged there as estimated).
    await stream.send(JSON.stringify(usageChunk(lastChunk, call.upstreamModel, meter.tokens('ok').tokens)));
  }
  // Usage before `[DONE]`: a client that saw the whole stream has had its usage handed over.
  await run.end('ok');
  await stream.send('[DONE]');
  stream.end();
}

/** The usage-only final chunk (choices: []) in OpenAI's shape, matching the stream's id and model. */
function usageChunk(last: ChatCompletionChunk | null, model: string, usage: TokenCounts): ChatCompletionChunk {
  return {
    id: last?.id ?? 'chatcmpl-tollgate',
    object: 'chat.completion.chunk',
    created: last?.created ?? Math.floor(Date.now() / 1000),
    model: last?.model ?? model,
    choices: [],
    usage: toCompletionUsage(usage),
  };
}
