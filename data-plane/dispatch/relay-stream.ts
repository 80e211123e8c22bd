import { type ChatCompletionChunk, toCompletionUsage } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';
import { HeldEventStream } from '../guardrails/held-stream.ts';
import type { EventStream } from '../http/sse-stream.ts';
import type { FramesEvent } from '../providers/adapter.ts';
import { upstreamInvalidResponse } from '../providers/upstream-errors.ts';
import type { AttemptRun } from '../request/attempt.ts';
import type { AttemptMeter } from '../usage/attempt-meter.ts';

/** A streamed frame in OpenAI's form, usage at most once and last (see StreamEvent, FramesEvent). */
export type RelayedEvent<TChunk> =
  | { type: 'chunk'; chunk: TChunk; raw?: string }
  | { type: 'usage'; usage: TokenCounts; chunk: TChunk | null; raw?: string }
  | FramesEvent;

/** What differs between the streamed endpoints (chat chunks, legacy text completion frames). */
export interface StreamShape<TChunk> {
  /** Calls the upstream; resolves once it accepted the request. */
  open(run: AttemptRun): Promise<{ status: number; events: AsyncIterable<RelayedEvent<TChunk>> }>;
  /** Meters a frame's output (for estimates) and hands its text to `output`, when set. */
  seen(chunk: TChunk, meter: AttemptMeter, output: ((text: string) => void) | undefined): void;
  /** The usage-only final frame (no choices) a client that asked for usage gets, in the stream's shape. */
  usageChunk(last: TChunk | null, upstreamModel: string, usage: TokenCounts): TChunk;
}

/**
 * A streamed attempt. Nothing reaches the client until the upstream's first event: until then a
 * failure (an error status, a stall, a stream that ends empty) is still the loop's to retry.
 * From the first event on the request is committed; a later failure becomes the final SSE error
 * event (rendered by the exchange) and never a `[DONE]`. Each frame is awaited, so a slow client
 * slows the upstream read instead of filling memory; the idle deadline only runs while we wait on
 * the upstream, never while the client makes us wait.
 */
export async function relayStream<TChunk extends { id: string; created: number; model: string }>(run: AttemptRun, shape: StreamShape<TChunk>): Promise<void> {
  const { meter, clock, call } = run;
  const opened = await clock.race(shape.open(run));
  meter.answered(opened.status);
  const events = opened.events[Symbol.asyncIterator]();
  try {
    const first = await clock.race(events.next());
    if (first.done) throw upstreamInvalidResponse(call.provider.name, opened.status, 'the stream ended before its first event');
    clock.gotFirstByte();
    // Post-call guardrails in buffer mode: the whole answer is checked before anything goes out.
    const held = run.answerGuard?.buffered ? new HeldEventStream() : null;
    if (!held) run.commit();
    await relay(run, shape, first.value, events, held ?? run.exchange.openEventStream());
    if (held && !run.exchange.cancellation.aborted) {
      run.commit();
      await held.flushTo(run.exchange.openEventStream());
    }
  } finally {
    // Stopping early (failure, abort, deadline) must release the upstream connection; after a
    // complete stream this is a no-op.
    Promise.resolve(events.return?.()).catch(() => {});
  }
}

async function relay<TChunk>(
  run: AttemptRun,
  shape: StreamShape<TChunk>,
  first: RelayedEvent<TChunk>,
  events: AsyncIterator<RelayedEvent<TChunk>>,
  stream: EventStream,
): Promise<void> {
  const { exchange, meter, clock, call } = run;
  // The client's own choice: we always ask the upstream for usage, but forward it only on request.
  const clientWantsUsage = call.request.stream_options?.include_usage === true;
  let lastChunk: TChunk | null = null;
  let usageSent = false;
  // Forwarded frames are metered like parsed chunks, but only if the attempt needs an estimate.
  const countFrame = (json: string) => shape.seen(JSON.parse(json) as TChunk, meter, undefined);

  let event: RelayedEvent<TChunk> | null = first;
  try {
    while (event !== null && !exchange.cancellation.aborted) {
      if (event.type === 'frames') {
        meter.deferFrames(event.frames, countFrame, event.finishReasons);
        await stream.sendFrames(event.frames);
      } else if (event.type === 'chunk') {
        shape.seen(event.chunk, meter, run.output);
        lastChunk = event.chunk;
        await stream.send(event.raw ?? JSON.stringify(event.chunk));
      } else {
        meter.reportUsage(event.usage);
        if (clientWantsUsage) {
          await stream.send(event.raw ?? JSON.stringify(event.chunk ?? shape.usageChunk(lastChunk, call.upstreamModel, event.usage)));
          usageSent = true;
        }
      }
      if (exchange.cancellation.aborted) break;
      const next: IteratorResult<RelayedEvent<TChunk>> = await clock.race(events.next(), true);
      event = next.done ? null : next.value;
    }
  } catch (error) {
    // Cut mid-stream (upstream error, dropped connection, deadline): a client that asked for
    // usage still gets the usage chunk, with the estimate its usage event carries, and then
    // the error event (rendered by the exchange), never a `[DONE]`.
    if (clientWantsUsage && !usageSent && !exchange.cancellation.aborted) {
      await stream.send(JSON.stringify(shape.usageChunk(lastChunk, call.upstreamModel, meter.tokens('upstream_error').tokens))).catch(() => {});
    }
    throw error;
  }
  if (exchange.cancellation.aborted) return; // the attempt reports itself aborted
  if (clientWantsUsage && !usageSent) {
    // The upstream reported nothing: the client still gets the usage chunk it asked for, with
    // the same estimate the usage event carries (flagged there as estimated).
    await stream.send(JSON.stringify(shape.usageChunk(lastChunk, call.upstreamModel, meter.tokens('ok').tokens)));
  }
  // The post-call guardrails' last word (whole-text checks, webhooks) comes before `[DONE]`.
  await run.answerGuard?.finish();
  // Usage before `[DONE]`: a client that saw the whole stream has had its usage handed over. The
  // frames still queued wait for it and leave with `[DONE]` and the end, in one write.
  stream.holdForEnd();
  await run.end('ok');
  await stream.send('[DONE]');
  stream.end();
}

/** The usage-only final frame (`choices: []`) matching the stream's id and model. */
export function usageOnlyFrame<TObject extends string>(
  last: { id: string; created: number; model: string } | null,
  model: string,
  usage: TokenCounts,
  object: TObject,
  fallbackId: string,
) {
  return {
    id: last?.id ?? fallbackId,
    object,
    created: last?.created ?? Math.floor(Date.now() / 1000),
    model: last?.model ?? model,
    choices: [],
    usage: toCompletionUsage(usage),
  };
}

/** Chat completion chunks (`/v1/chat/completions` with `stream: true`). */
export const chatStream: StreamShape<ChatCompletionChunk> = {
  // The client gets the upstream's chunks as they are: forwarded unparsed where the adapter can,
  // unless something reads their text as they pass (prompt logging, post-call guardrails).
  open: (run) => (run.adapter.streamFrames && !run.output ? run.adapter.streamFrames(run.call) : run.adapter.stream(run.call)),
  seen(chunk, meter, output) {
    meter.countChunk(chunk);
    if (output) for (const choice of chunk.choices) if (choice.delta?.content) output(choice.delta.content);
  },
  usageChunk: (last, model, usage) => usageOnlyFrame(last, model, usage, 'chat.completion.chunk', 'chatcmpl-tollgate'),
};

/** A streamed chat attempt. */
export const streamAttempt = (run: AttemptRun): Promise<void> => relayStream(run, chatStream);
