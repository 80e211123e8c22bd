import type { ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { TextCompletion } from '../../../shared/openai/text-completion.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { ForwardedStreamEvent, StreamEvent, TextStreamEvent } from '../adapter.ts';
import { upstreamErrorMessage } from '../http-call.ts';
import { type SseEvent, SseParser } from '../sse-parser.ts';
import { upstreamInvalidResponse, upstreamStreamError } from '../upstream-errors.ts';
import { FrameCursor } from './frame-cursor.ts';
import { usageOf } from './map-response.ts';

export interface StreamContext {
  providerName: string;
  status: number;
  credential: string | null;
}

type Frame = { choices: { finish_reason?: string | null }[]; usage?: unknown };
type FrameEvent<T> =
  | { type: 'chunk'; chunk: T; raw?: string }
  | { type: 'usage'; usage: TokenCounts; chunk: T | null; raw?: string }
  | { type: 'frames'; frames: Buffer; finishReasons: string[] | null };

/**
 * OpenAI SSE bytes to stream events (chat chunks or legacy text completion frames: same
 * framing). Content frames pass through as the upstream sent them; the usage-only frame
 * (choices: []) becomes the `usage` event; other frames without choices (Azure's leading
 * `prompt_filter_results`) are dropped; `data: {"error":...}` or an `event: error` frame is a
 * mid-stream failure, thrown. A stream that ends without `[DONE]` and without a finish_reason was
 * cut: thrown too, so it never reaches the client as a complete answer.
 *
 * With `forward`, ordinary content frames after the first (FrameCursor's `plain`) are not parsed
 * at all: each run of them in one read becomes one `frames` event, their bytes as they came (a
 * JSON.parse per frame was the largest cost of relaying a stream). A frame whose only news is a
 * finish reason (`finish`) joins the run too: the cursor's word that it finishes is all we read
 * from it. The frames that say something else (the first, usage, errors, empty choices) are
 * parsed as before. A stream the
 * cursor cannot read (CRLF, comments, named events) goes to the SSE parser from there on.
 */
async function* openAIFrames<T extends Frame>(body: AsyncIterable<Uint8Array>, context: StreamContext, forward: boolean): AsyncGenerator<FrameEvent<T>> {
  const state: FrameState<T> = { usage: null, usageChunk: null, usageRaw: undefined, finished: false };
  let done = false;
  let parsedAny = false;
  const cursor = new FrameCursor();
  let parser: SseParser | null = null;
  reads: for await (const bytes of body) {
    if (parser) {
      if (yield* parsedFrames(parser.push(bytes), context, state)) {
        done = true;
        break;
      }
      continue;
    }
    cursor.load(bytes);
    /** Start of the run of plain frames not yet handed on; -1 when none. */
    let run = -1;
    /** The finish reasons of the run's `finish` frames. */
    let finishReasons: string[] | null = null;
    for (let kind = cursor.next(); kind !== null; kind = cursor.next()) {
      if ((kind === 'plain' || kind === 'finish') && forward && parsedAny) {
        if (kind === 'finish') {
          state.finished = true;
          finishReasons = finishReasons ? finishReasons.concat(cursor.finishReasons!) : cursor.finishReasons;
        }
        if (run === -1) run = cursor.frameStart;
        continue;
      }
      if (run !== -1) {
        yield { type: 'frames', frames: cursor.slice(run, cursor.frameStart), finishReasons };
        run = -1;
        finishReasons = null;
      }
      if (kind === 'done') {
        done = true;
        break reads;
      }
      if (kind === 'irregular') {
        parser = new SseParser();
        if (yield* parsedFrames(parser.push(cursor.rest()), context, state)) {
          done = true;
          break reads;
        }
        continue reads;
      }
      parsedAny = true;
      const chunk = mapFrame(cursor.data(), null, context, state);
      if (chunk) yield chunk;
    }
    if (run !== -1) yield { type: 'frames', frames: cursor.slice(run, cursor.frameEnd), finishReasons };
  }
  if (parser && !done) done = yield* parsedFrames(parser.end(), context, state);
  if (!done && !state.finished) throw upstreamStreamError(context.providerName, context.status, 'the stream ended before the answer was complete');
  // Usage last, whichever frame carried it: the relay decides whether the client sees it.
  if (state.usage) yield { type: 'usage', usage: state.usage, chunk: state.usageChunk, raw: state.usageRaw };
}

type FrameState<T> = { usage: TokenCounts | null; usageChunk: T | null; usageRaw: string | undefined; finished: boolean };

/** The events of frames an SSE parser read; true once one was `[DONE]` (nothing after it is read). */
function* parsedFrames<T extends Frame>(events: SseEvent[], context: StreamContext, state: FrameState<T>): Generator<FrameEvent<T>, boolean> {
  for (const event of events) {
    if (event.data === '[DONE]') return true;
    const chunk = mapFrame(event.data, event.event, context, state);
    if (chunk) yield chunk;
  }
  return false;
}

/** One parsed frame: its chunk event, or null when it only carried usage or nothing for the client. */
function mapFrame<T extends Frame>(data: string, eventName: string | null, context: StreamContext, state: FrameState<T>): FrameEvent<T> | null {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    throw upstreamInvalidResponse(context.providerName, context.status, 'a stream frame is not JSON');
  }
  if (eventName === 'error' || (frame !== null && typeof frame === 'object' && 'error' in frame)) {
    const message = upstreamErrorMessage(data, context.credential) ?? 'the upstream sent an error event';
    throw upstreamStreamError(context.providerName, context.status, message);
  }
  const chunk = frame as T;
  if (!Array.isArray(chunk?.choices)) throw upstreamInvalidResponse(context.providerName, context.status, 'a stream frame has no choices');
  const frameUsage = usageOf(chunk);
  if (frameUsage) state.usage = frameUsage;
  if (chunk.choices.some((choice) => choice?.finish_reason)) state.finished = true;
  if (chunk.choices.length > 0) return { type: 'chunk', chunk, raw: data };
  if (frameUsage) {
    state.usageChunk = chunk;
    state.usageRaw = data;
  }
  return null;
}

/** Chat completion chunks. */
export function toStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext): AsyncGenerator<StreamEvent> {
  return openAIFrames<ChatCompletionChunk>(body, context, false) as AsyncGenerator<StreamEvent>;
}

/** Chat completion chunks, ordinary content frames forwarded as bytes (`frames` events). */
export function toForwardedStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext): AsyncGenerator<ForwardedStreamEvent> {
  return openAIFrames<ChatCompletionChunk>(body, context, true);
}

/** Legacy text completion frames. */
export function toTextStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext): AsyncGenerator<TextStreamEvent> {
  return openAIFrames<TextCompletion & Frame>(body, context, false) as AsyncGenerator<TextStreamEvent>;
}
