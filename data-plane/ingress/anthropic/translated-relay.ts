import type { ChatCompletion } from '../../../shared/openai/chat-response.ts';
import { relayWhole } from '../../dispatch/relay-completion.ts';
import type { StreamEvent } from '../../providers/adapter.ts';
import type { AttemptRun } from '../../request/attempt.ts';
import { relayEvents } from '../relay-events.ts';
import { anthropicUsage, ChatToMessageEvents, chatToMessage } from './from-chat.ts';

type Message = ReturnType<typeof chatToMessage>;

/** A /v1/messages attempt on a chat deployment (OpenAI-compatible, Azure, Gemini, mock), whole. */
export function translatedMessage(run: AttemptRun): Promise<void> {
  return relayWhole<Message>(run, {
    async call(attempt) {
      const result = await attempt.adapter.complete(attempt.call);
      return {
        status: result.status,
        body: chatToMessage(result.completion as ChatCompletion, { promptTokens: 0, completionTokens: 0, cachedTokens: 0 }),
        usage: result.usage,
      };
    },
    texts: (message) => message.content.flatMap((block) => ('text' in block ? [String(block.text)] : 'input' in block ? [JSON.stringify(block.input)] : [])),
    // The usage the event carries (reported, or estimated when the provider sent none).
    withUsage: (message, tokens) => ({ ...message, usage: anthropicUsage(tokens) }),
  });
}

/** The streamed form: chat chunks re-framed as Anthropic's event sequence. */
export function translatedStream(run: AttemptRun): Promise<void> {
  const events = new ChatToMessageEvents();
  return relayEvents<StreamEvent>(run, {
    open: (attempt) => attempt.adapter.stream(attempt.call),
    frames(event, attempt) {
      if (event.type === 'usage') {
        attempt.meter.reportUsage(event.usage);
        return [];
      }
      attempt.meter.countChunk(event.chunk);
      if (attempt.output) for (const choice of event.chunk.choices) if (choice.delta?.content) attempt.output(choice.delta.content);
      return events.chunk(event.chunk);
    },
    closing: (attempt) => events.end(attempt.meter.tokens('ok').tokens, attempt.call.upstreamModel),
  });
}
