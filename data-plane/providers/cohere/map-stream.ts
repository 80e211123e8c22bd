import type { ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { StreamEvent } from '../adapter.ts';
import { upstreamErrorMessage } from '../http-call.ts';
import type { StreamContext } from '../openai-compatible/map-stream.ts';
import { readSseEvents } from '../sse-parser.ts';
import { upstreamInvalidResponse, upstreamStreamError } from '../upstream-errors.ts';
import { cohereTokenCounts, toFinishReason } from './map-response.ts';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * Cohere v2 chat stream events (`event: <type>` + `data: {"type": ...}`) re-framed as OpenAI chunks:
 * - `message-start` -> the role chunk (id from the message)
 * - `content-delta` -> content
 * - `tool-call-start` -> a tool_calls chunk with id, name and the first arguments
 * - `tool-call-delta` -> tool call arguments
 * - `message-end` -> the finish_reason chunk, then the usage event (billed units)
 * - `content-start`/`-end`, `tool-plan-delta`, `tool-call-end`, citations: nothing to relay.
 * A stream that ends without `message-end` was cut, and an error event is a failure: both thrown.
 */
export async function* toStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext, model: string): AsyncGenerator<StreamEvent> {
  let base = { id: 'cohere-unknown', object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model };
  /** Cohere's tool call index -> ours (they agree, but tool calls may start at any index). */
  const toolIndex = new Map<number, number>();
  const chunk = (delta: Delta, finishReason: string | null = null): StreamEvent => ({
    type: 'chunk',
    chunk: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] },
  });

  for await (const event of readSseEvents(body)) {
    if (event.data === '[DONE]') break;
    let data: any;
    try {
      data = JSON.parse(event.data);
    } catch {
      throw upstreamInvalidResponse(context.providerName, context.status, 'a stream event is not JSON');
    }
    const message = data?.delta?.message ?? {};
    switch (data?.type ?? event.event) {
      case 'message-start':
        base = { ...base, id: String(data.id ?? base.id) };
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content-delta':
        if (typeof message.content?.text === 'string' && message.content.text) yield chunk({ content: message.content.text });
        break;
      case 'tool-call-start': {
        const call = message.tool_calls ?? {};
        const index = toolIndex.size;
        toolIndex.set(Number(data.index ?? index), index);
        yield chunk({
          tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function?.name, arguments: call.function?.arguments ?? '' } }],
        });
        break;
      }
      case 'tool-call-delta': {
        const index = toolIndex.get(Number(data.index));
        const args = message.tool_calls?.function?.arguments;
        if (index !== undefined && typeof args === 'string' && args) yield chunk({ tool_calls: [{ index, function: { arguments: args } }] });
        break;
      }
      case 'message-end':
        yield chunk({}, toFinishReason(data.delta?.finish_reason));
        yield { type: 'usage', usage: cohereTokenCounts(data.delta?.usage ?? {}), chunk: null };
        return;
      case 'error': {
        const text = upstreamErrorMessage(event.data, context.credential) ?? 'the upstream sent an error event';
        throw upstreamStreamError(context.providerName, context.status, text);
      }
      default:
        break;
    }
  }
  throw upstreamStreamError(context.providerName, context.status, 'the stream ended before message-end');
}
