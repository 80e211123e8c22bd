import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChatCompletion, type ChatCompletionChunk, toCompletionUsage } from '../../../shared/openai/chat-response.ts';
import { estimateTextTokens } from '../../usage/estimate-tokens.ts';
import type { OpenedStream, ProviderAdapter, StreamEvent, UpstreamCall } from '../adapter.ts';
import { upstreamHttpError, upstreamStreamError } from '../upstream-errors.ts';
import { mockAnswer, splitForStream, splitIntoWords } from './mock-answer.ts';
import { mockEmbeddings } from './mock-embeddings.ts';
import { mockSettings } from './mock-settings.ts';

/**
 * The built-in `mock` provider: no network, deterministic answers, with configurable latency,
 * token rate and failure injection so users can load-test their own setup (see mock-settings.ts).
 */
export function createMockAdapter(options: { random?: () => number } = {}): ProviderAdapter {
  const random = options.random ?? Math.random;

  async function begin(call: Pick<UpstreamCall, 'provider' | 'cancellation'>) {
    const settings = mockSettings(call.provider.baseUrl);
    // One roll per call decides whether a configured failure happens this time.
    const failing = (settings.failStatus !== null || settings.failAfterChunks !== null) && random() < settings.failProbability;
    // Rejects with the abort reason when the client leaves, like a real upstream call would.
    if (settings.latencyMs > 0) await sleep(settings.latencyMs, undefined, { signal: call.cancellation.signal });
    call.cancellation.signal.throwIfAborted();
    if (failing && settings.failStatus !== null) {
      throw upstreamHttpError({ status: settings.failStatus, message: 'mock failure', providerName: call.provider.name });
    }
    return { settings, failAfterChunks: failing ? settings.failAfterChunks : null };
  }

  return {
    async embed(call) {
      // Latency and fail_status apply; a mid-stream failure has no meaning here.
      await begin(call);
      return mockEmbeddings(call);
    },

    async complete(call) {
      // Refused (400) before the mock's latency, like a real provider's request mapping.
      const { text, choices, usage } = mockAnswer(call.request);
      await begin(call);
      const completion: ChatCompletion = {
        id: `chatcmpl-mock-${randomUUID()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: call.upstreamModel,
        choices: Array.from({ length: choices }, (_, index) => ({
          index,
          message: { role: 'assistant', content: text },
          logprobs: null,
          finish_reason: 'stop',
        })),
        usage: toCompletionUsage(usage),
      };
      return { status: 200, completion, usage };
    },

    async stream(call): Promise<OpenedStream> {
      const { text, choices, usage } = mockAnswer(call.request);
      const { settings, failAfterChunks } = await begin(call);
      const base = {
        id: `chatcmpl-mock-${randomUUID()}`,
        object: 'chat.completion.chunk' as const,
        created: Math.floor(Date.now() / 1000),
        model: call.upstreamModel,
      };
      // With n > 1 every choice gets the same piece in one chunk (OpenAI may interleave them any way).
      const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null): ChatCompletionChunk => ({
        ...base,
        choices: Array.from({ length: choices }, (_, index) => ({ index, delta, logprobs: null, finish_reason: finishReason })),
      });
      async function* events(): AsyncGenerator<StreamEvent> {
        yield { type: 'chunk', chunk: chunk({ role: 'assistant', content: '' }, null) };
        const pieces = settings.tokensPerSecond > 0 ? splitIntoWords(text) : splitForStream(text);
        for (const [index, piece] of pieces.entries()) {
          if (failAfterChunks === index) throw upstreamStreamError(call.provider.name, 200, 'mock failure');
          const pacing = settings.chunkDelayMs + (settings.tokensPerSecond > 0 ? (estimateTextTokens(piece) * 1000) / settings.tokensPerSecond : 0);
          if (pacing > 0) await sleep(pacing, undefined, { signal: call.cancellation.signal });
          call.cancellation.signal.throwIfAborted();
          yield { type: 'chunk', chunk: chunk({ content: piece }, null) };
        }
        if (failAfterChunks !== null && failAfterChunks >= pieces.length) throw upstreamStreamError(call.provider.name, 200, 'mock failure');
        yield { type: 'chunk', chunk: chunk({}, 'stop') };
        yield { type: 'usage', usage, chunk: { ...base, choices: [], usage: toCompletionUsage(usage) } };
      }
      return { status: 200, events: events() };
    },
  };
}
