import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChatCompletion, type ChatCompletionChunk, toCompletionUsage } from '../../../shared/openai/chat-response.ts';
import type { OpenedStream, ProviderAdapter, StreamEvent, UpstreamCall } from '../adapter.ts';
import { upstreamHttpError } from '../upstream-errors.ts';
import { mockAnswer, splitForStream } from './mock-answer.ts';
import { mockSettings } from './mock-settings.ts';

/** The built-in `mock` provider: no network, deterministic answers (see mock-settings.ts). */
export function createMockAdapter(): ProviderAdapter {
  async function begin(call: UpstreamCall) {
    const settings = mockSettings(call.provider.baseUrl);
    // Rejects with the abort reason when the client leaves, like a real upstream call would.
    if (settings.latencyMs > 0) await sleep(settings.latencyMs, undefined, { signal: call.signal });
    call.signal.throwIfAborted();
    if (settings.failStatus !== null) {
      throw upstreamHttpError({ status: settings.failStatus, message: 'mock failure', providerName: call.provider.name });
    }
    return settings;
  }

  return {
    async complete(call) {
      await begin(call);
      const { text, usage } = mockAnswer(call.request);
      const completion: ChatCompletion = {
        id: `chatcmpl-mock-${randomUUID()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: call.upstreamModel,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }],
        usage: toCompletionUsage(usage),
      };
      return { status: 200, completion, usage };
    },

    async stream(call): Promise<OpenedStream> {
      const settings = await begin(call);
      const { text, usage } = mockAnswer(call.request);
      const base = { id: `chatcmpl-mock-${randomUUID()}`, object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model: call.upstreamModel };
      const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null): ChatCompletionChunk => ({
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      });
      async function* events(): AsyncGenerator<StreamEvent> {
        yield { type: 'chunk', chunk: chunk({ role: 'assistant', content: '' }, null) };
        for (const piece of splitForStream(text)) {
          if (settings.chunkDelayMs > 0) await sleep(settings.chunkDelayMs, undefined, { signal: call.signal });
          call.signal.throwIfAborted();
          yield { type: 'chunk', chunk: chunk({ content: piece }, null) };
        }
        yield { type: 'chunk', chunk: chunk({}, 'stop') };
        yield { type: 'usage', usage, chunk: { ...base, choices: [], usage: toCompletionUsage(usage) } };
      }
      return { status: 200, events: events() };
    },
  };
}
