import type { ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { StreamEvent } from '../adapter.ts';
import { upstreamErrorMessage } from '../http-call.ts';
import type { StreamContext } from '../openai-compatible/map-stream.ts';
import { readSseEvents } from '../sse-parser.ts';
import { upstreamInvalidResponse, upstreamStreamError } from '../upstream-errors.ts';
import { type AnthropicUsage, anthropicTokenCounts, toFinishReason } from './map-response.ts';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * Anthropic's streaming events re-framed as OpenAI chunks:
 * - `message_start` -> the role chunk (id and model from the message); input usage kept
 * - `content_block_start` of a `tool_use` -> a tool_calls chunk with id, name, empty arguments
 * - `content_block_delta`: `text_delta` -> content, `input_json_delta` -> tool call arguments
 * - `content_block_stop` of a `tool_use` that streamed no arguments -> `{}` as its arguments
 * - `message_delta` -> the finish_reason chunk; output usage kept (cumulative)
 * - `message_stop` -> the end: usage event
 * - `ping`, thinking and signature deltas, and server tool blocks are dropped; an `error` event
 *   is a mid-stream failure, thrown, and so is a stream that ends without `message_stop`.
 */
export async function* toStreamEvents(body: AsyncIterable<Uint8Array>, context: StreamContext): AsyncGenerator<StreamEvent> {
  let base = { id: 'msg_unknown', object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model: 'unknown' };
  let usage: AnthropicUsage = {};
  /** Content block index -> OpenAI tool call index. */
  const toolIndex = new Map<number, number>();
  /** Tool blocks that have streamed some of their arguments. */
  const toolWithArguments = new Set<number>();
  const chunk = (delta: Delta, finishReason: string | null = null): StreamEvent => ({
    type: 'chunk',
    chunk: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] },
  });

  for await (const event of readSseEvents(body)) {
    let data: any;
    try {
      data = JSON.parse(event.data);
    } catch {
      throw upstreamInvalidResponse(context.providerName, context.status, 'a stream event is not JSON');
    }
    const type = data?.type ?? event.event;
    switch (type) {
      case 'message_start': {
        const message = data.message ?? {};
        base = { ...base, id: String(message.id ?? base.id), model: String(message.model ?? base.model) };
        usage = { ...message.usage };
        yield chunk({ role: 'assistant', content: '' });
        break;
      }
      case 'content_block_start': {
        const block = data.content_block ?? {};
        if (block.type === 'tool_use') {
          const index = toolIndex.size;
          toolIndex.set(data.index, index);
          yield chunk({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
        } else if (block.type === 'text' && block.text) yield chunk({ content: block.text });
        break;
      }
      case 'content_block_delta': {
        const delta = data.delta ?? {};
        if (delta.type === 'text_delta') yield chunk({ content: delta.text });
        else if (delta.type === 'input_json_delta' && toolIndex.has(data.index) && delta.partial_json) {
          toolWithArguments.add(data.index);
          yield chunk({ tool_calls: [{ index: toolIndex.get(data.index), function: { arguments: delta.partial_json } }] });
        }
        break;
      }
      case 'content_block_stop':
        // A tool without parameters streams one empty input_json_delta: clients JSON.parse the
        // accumulated arguments, and "" is not JSON (the whole message says `{}` for the same call).
        if (toolIndex.has(data.index) && !toolWithArguments.has(data.index)) {
          yield chunk({ tool_calls: [{ index: toolIndex.get(data.index), function: { arguments: '{}' } }] });
        }
        break;
      case 'message_delta': {
        // Counts in message_delta are cumulative and win over message_start's.
        for (const [key, value] of Object.entries(data.usage ?? {})) if (typeof value === 'number') (usage as Record<string, number>)[key] = value;
        if (data.delta?.stop_reason !== undefined) yield chunk({}, toFinishReason(data.delta.stop_reason));
        break;
      }
      case 'message_stop':
        yield { type: 'usage', usage: anthropicTokenCounts(usage), chunk: null };
        return;
      case 'error': {
        const message = upstreamErrorMessage(event.data, context.credential) ?? 'the upstream sent an error event';
        const errorType = typeof data.error?.type === 'string' ? ` (${data.error.type})` : '';
        throw upstreamStreamError(context.providerName, context.status, `${message}${errorType}`);
      }
      default:
        // ping and event types added later: nothing to relay.
        break;
    }
  }
  throw upstreamStreamError(context.providerName, context.status, 'the stream ended before message_stop');
}
