import type { Exchange } from '../http/exchange.ts';
import type { CachedAnswer } from './cache-store.ts';
import { completionToFrames, framesToCompletion, isUsageOnlyChunk, usageChunkAfter } from './chat-crossover.ts';

/**
 * How a cached answer is replayed to a request, or null when it cannot be (a stream entry for a
 * whole request, or the reverse, on an endpoint other than chat completions). A stream is
 * replayed frame by frame as it was sent (the same chunking), then `[DONE]`; a chat stream's
 * usage chunk goes only to a client that asked for it, as live.
 */
export function replayAnswer(path: string, cached: CachedAnswer, streamed: boolean, includeUsage: boolean): ((exchange: Exchange) => Promise<void>) | null {
  const { response, usage } = cached;
  const chat = path === '/v1/chat/completions';
  if (response.kind === 'json' && !streamed) return async (exchange) => exchange.sendJson(response.status, response.body);
  if (response.kind === 'sse' && streamed) {
    const frames = chat
      ? chatFrames(
          response.frames.map((frame) => frame.data),
          usage,
          includeUsage,
        )
      : response.frames;
    return (exchange) => sendFrames(exchange, frames);
  }
  if (!chat) return null;
  if (response.kind === 'json') {
    const frames = completionToFrames(response.body as Parameters<typeof completionToFrames>[0], includeUsage ? usage : null).map((data) => ({ data }));
    return (exchange) => sendFrames(exchange, frames);
  }
  const chunks = response.frames.map((frame) => frame.data).filter((data) => !isUsageOnlyChunk(data));
  return async (exchange) => exchange.sendJson(200, framesToCompletion(chunks, usage));
}

function chatFrames(data: string[], usage: CachedAnswer['usage'], includeUsage: boolean): { data: string }[] {
  const chunks = data.filter((frame) => frame !== '[DONE]' && !isUsageOnlyChunk(frame));
  // The upstream's own usage chunk when the stored stream had one, else one made like it.
  if (includeUsage && chunks.length > 0) chunks.push(data.find(isUsageOnlyChunk) ?? usageChunkAfter(chunks, usage));
  chunks.push('[DONE]');
  return chunks.map((frame) => ({ data: frame }));
}

async function sendFrames(exchange: Exchange, frames: readonly { data: string; event?: string }[]): Promise<void> {
  const stream = exchange.openEventStream();
  for (const frame of frames) {
    if (exchange.cancellation.aborted) return;
    await stream.send(frame.data, frame.event);
  }
  stream.end();
}
