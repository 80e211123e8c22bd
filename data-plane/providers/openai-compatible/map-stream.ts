import type { ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { StreamEvent } from '../adapter.ts';
import { readSseEvents } from '../sse-parser.ts';
import { upstreamInvalidResponse, upstreamStreamError } from '../upstream-errors.ts';
import { upstreamErrorMessage, usageOf } from './map-response.ts';

export interface StreamContext {
  providerName: string;
  status: number;
  credential: string | null;
}

/**
 * OpenAI SSE bytes to stream events. Content chunks pass through as the upstream sent them; the
 * usage-only chunk (choices: []) becomes the `usage` event; `data: {"error":...}` or an
 * `event: error` frame is a mid-stream failure, thrown.
 */
export async function* toStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext): AsyncGenerator<StreamEvent> {
  let usage: TokenCounts | null = null;
  let usageChunk: ChatCompletionChunk | null = null;
  for await (const event of readSseEvents(body)) {
    if (event.data === '[DONE]') break;
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
    const chunk = frame as ChatCompletionChunk;
    if (!Array.isArray(chunk?.choices)) throw upstreamInvalidResponse(context.providerName, context.status, 'a stream frame is not a chat.completion.chunk');
    const frameUsage = usageOf(chunk);
    if (frameUsage) usage = frameUsage;
    if (chunk.choices.length === 0 && frameUsage) usageChunk = chunk;
    else yield { type: 'chunk', chunk, raw: event.data };
  }
  // Usage last, whichever frame carried it: the relay decides whether the client sees it.
  if (usage) yield { type: 'usage', usage, chunk: usageChunk };
}
