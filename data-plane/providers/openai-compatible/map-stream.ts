import type { ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { TextCompletion } from '../../../shared/openai/text-completion.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { StreamEvent, TextStreamEvent } from '../adapter.ts';
import { upstreamErrorMessage } from '../http-call.ts';
import { readSseEvents } from '../sse-parser.ts';
import { upstreamInvalidResponse, upstreamStreamError } from '../upstream-errors.ts';
import { usageOf } from './map-response.ts';

export interface StreamContext {
  providerName: string;
  status: number;
  credential: string | null;
}

type Frame = { choices: { finish_reason?: string | null }[]; usage?: unknown };

/**
 * OpenAI SSE bytes to stream events (chat chunks or legacy text completion frames: same
 * framing). Content frames pass through as the upstream sent them; the usage-only frame
 * (choices: []) becomes the `usage` event; other frames without choices (Azure's leading
 * `prompt_filter_results`) are dropped; `data: {"error":...}` or an `event: error` frame is a
 * mid-stream failure, thrown. A stream that ends without `[DONE]` and without a finish_reason was
 * cut: thrown too, so it never reaches the client as a complete answer.
 */
async function* openAIFrames<T extends Frame>(
  body: AsyncIterable<Uint8Array>,
  context: StreamContext,
): AsyncGenerator<{ type: 'chunk'; chunk: T; raw?: string } | { type: 'usage'; usage: TokenCounts; chunk: T | null }> {
  let usage: TokenCounts | null = null;
  let usageChunk: T | null = null;
  let done = false;
  let finished = false;
  for await (const event of readSseEvents(body)) {
    if (event.data === '[DONE]') {
      done = true;
      break;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(event.data);
    } catch {
      throw upstreamInvalidResponse(context.providerName, context.status, 'a stream frame is not JSON');
    }
    if (event.event === 'error' || (frame !== null && typeof frame === 'object' && 'error' in frame)) {
      const message = upstreamErrorMessage(event.data, context.credential) ?? 'the upstream sent an error event';
      throw upstreamStreamError(context.providerName, context.status, message);
    }
    const chunk = frame as T;
    if (!Array.isArray(chunk?.choices)) throw upstreamInvalidResponse(context.providerName, context.status, 'a stream frame has no choices');
    const frameUsage = usageOf(chunk);
    if (frameUsage) usage = frameUsage;
    if (chunk.choices.some((choice) => choice?.finish_reason)) finished = true;
    if (chunk.choices.length === 0) {
      if (frameUsage) usageChunk = chunk;
    } else yield { type: 'chunk', chunk, raw: event.data };
  }
  if (!done && !finished) throw upstreamStreamError(context.providerName, context.status, 'the stream ended before the answer was complete');
  // Usage last, whichever frame carried it: the relay decides whether the client sees it.
  if (usage) yield { type: 'usage', usage, chunk: usageChunk };
}

/** Chat completion chunks. */
export function toStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext): AsyncGenerator<StreamEvent> {
  return openAIFrames<ChatCompletionChunk>(body, context);
}

/** Legacy text completion frames. */
export function toTextStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext): AsyncGenerator<TextStreamEvent> {
  return openAIFrames<TextCompletion & Frame>(body, context);
}
