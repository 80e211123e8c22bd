import type { EventStreamCodec } from '@smithy/core/event-streams';
import type { ChatCompletionChunk } from '../../../shared/openai/chat-response.ts';
import type { StreamEvent } from '../adapter.ts';
import type { StreamContext } from '../openai-compatible/map-stream.ts';
import { redactSecret, upstreamInvalidResponse, upstreamStreamError } from '../upstream-errors.ts';
import { bedrockCompletionId, type ConverseUsage, converseTokenCounts, toFinishReason } from './map-response.ts';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

const utf8Decoder = new TextDecoder();
let codec: EventStreamCodec | null = null;

/**
 * The messages of an AWS event stream (`application/vnd.amazon.eventstream`): smithy's chunker
 * cuts the bytes at each message's length prelude, its codec checks both CRCs and parses the
 * headers. A truncated message or a bad checksum throws.
 */
async function* eventStreamMessages(body: AsyncIterable<Uint8Array>): AsyncGenerator<Message> {
  // Loaded on the first Bedrock stream, not at start: a data plane without Bedrock providers
  // never needs smithy's codec (about 1.3 MB of heap).
  const { EventStreamCodec, getChunkedStream } = await import('@smithy/core/event-streams');
  codec ??= new EventStreamCodec(
    (bytes) => utf8Decoder.decode(bytes),
    (text) => Buffer.from(text, 'utf8'),
  );
  for await (const bytes of getChunkedStream(body)) yield codec.decode(bytes);
}

type Message = ReturnType<EventStreamCodec['decode']>;

function header(message: Message, name: string): string | null {
  const value = message.headers[name];
  return value?.type === 'string' ? value.value : null;
}

/**
 * ConverseStream events re-framed as OpenAI chunks:
 * - `messageStart` -> the role chunk
 * - `contentBlockStart` of a `toolUse` -> a tool_calls chunk with id, name, empty arguments
 * - `contentBlockDelta`: `text` -> content, `toolUse.input` -> tool call arguments
 * - `contentBlockStop` of a tool that streamed no arguments -> `{}` as its arguments
 * - `messageStop` -> the finish_reason chunk
 * - `metadata` (after messageStop) -> the usage event
 * Reasoning deltas are dropped. An `exception` or `error` message is a mid-stream failure,
 * thrown, and so is a stream that ends before `messageStop`.
 */
export async function* toStreamEvents(
  body: AsyncIterable<Uint8Array>,
  context: StreamContext & { upstreamModel: string; requestId: string | null },
): AsyncGenerator<StreamEvent> {
  const base = {
    id: bedrockCompletionId(context.requestId),
    object: 'chat.completion.chunk' as const,
    created: Math.floor(Date.now() / 1000),
    model: context.upstreamModel,
  };
  let usage: ConverseUsage | null = null;
  let stopped = false;
  /** Content block index -> OpenAI tool call index. */
  const toolIndex = new Map<number, number>();
  const toolWithArguments = new Set<number>();
  const chunk = (delta: Delta, finishReason: string | null = null): StreamEvent => ({
    type: 'chunk',
    chunk: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] },
  });

  for await (const message of withFramingErrors(eventStreamMessages(body), context)) {
    const messageType = header(message, ':message-type');
    if (messageType === 'exception' || messageType === 'error') {
      const kind = header(message, ':exception-type') ?? header(message, ':error-code') ?? 'error';
      const said = header(message, ':error-message') ?? messageOf(message.body);
      throw upstreamStreamError(
        context.providerName,
        context.status,
        `${said ? redactSecret(said, context.credential) : 'the upstream sent an exception'} (${kind})`,
      );
    }
    let data: any;
    try {
      data = JSON.parse(utf8Decoder.decode(message.body));
    } catch {
      throw upstreamInvalidResponse(context.providerName, context.status, 'a stream event is not JSON');
    }
    switch (header(message, ':event-type')) {
      case 'messageStart':
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'contentBlockStart': {
        const toolUse = data.start?.toolUse;
        if (toolUse) {
          const index = toolIndex.size;
          toolIndex.set(data.contentBlockIndex, index);
          yield chunk({ tool_calls: [{ index, id: toolUse.toolUseId, type: 'function', function: { name: toolUse.name, arguments: '' } }] });
        }
        break;
      }
      case 'contentBlockDelta': {
        const delta = data.delta ?? {};
        if (typeof delta.text === 'string') yield chunk({ content: delta.text });
        else if (typeof delta.toolUse?.input === 'string' && delta.toolUse.input !== '' && toolIndex.has(data.contentBlockIndex)) {
          toolWithArguments.add(data.contentBlockIndex);
          yield chunk({ tool_calls: [{ index: toolIndex.get(data.contentBlockIndex), function: { arguments: delta.toolUse.input } }] });
        }
        break;
      }
      case 'contentBlockStop':
        // Clients JSON.parse the accumulated arguments, and "" is not JSON.
        if (toolIndex.has(data.contentBlockIndex) && !toolWithArguments.has(data.contentBlockIndex)) {
          yield chunk({ tool_calls: [{ index: toolIndex.get(data.contentBlockIndex), function: { arguments: '{}' } }] });
        }
        break;
      case 'messageStop':
        stopped = true;
        yield chunk({}, toFinishReason(data.stopReason));
        break;
      case 'metadata':
        if (data.usage) usage = data.usage;
        break;
      default:
        // Event types added later: nothing to relay.
        break;
    }
  }
  if (!stopped) throw upstreamStreamError(context.providerName, context.status, 'the stream ended before messageStop');
  if (usage) yield { type: 'usage', usage: converseTokenCounts(usage), chunk: null };
}

/** Framing and checksum failures of the decoder as the protocol error they are. */
async function* withFramingErrors(messages: AsyncGenerator<Message>, context: StreamContext): AsyncGenerator<Message> {
  for (;;) {
    let next: IteratorResult<Message>;
    try {
      next = await messages.next();
    } catch (error) {
      const text = (error as Error)?.message ?? '';
      // Transport failures (the body's own errors) pass through to guardStream's mapping.
      if (!/checksum|truncated|event message|header/i.test(text)) throw error;
      throw upstreamStreamError(context.providerName, context.status, `the event stream is broken (${text})`);
    }
    if (next.done) return;
    yield next.value;
  }
}

function messageOf(body: Uint8Array): string | null {
  try {
    const json = JSON.parse(utf8Decoder.decode(body));
    const message = json?.message ?? json?.Message;
    return typeof message === 'string' ? message : null;
  } catch {
    return null;
  }
}
