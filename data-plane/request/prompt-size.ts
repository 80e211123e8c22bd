import { type ChatCompletionRequest, messageText } from '../../shared/openai/chat-request.ts';
import { countTokens } from '../tokenizer/count-tokens.ts';
import { estimatePromptTokens } from '../usage/estimate-tokens.ts';

/** Tokens the chat template adds around each message, and to prime the reply (OpenAI's figures). */
const PER_MESSAGE_TOKENS = 4;
export const REPLY_PRIMING_TOKENS = 3;

/**
 * A request's prompt sizes, each measured at most once however many ask: admission (money's
 * reservation and tpm), the dearest model of a fallback chain, each attempt's deployment tpm and
 * each model's context window. Image and audio parts are not counted.
 */
export class PromptSize {
  private bytesOfJson: number | null = null;
  /** The messages as JSON, kept from bytes() for the wire body (withMessagesJson). */
  messagesJson: string | null = null;
  private estimated: number | null = null;
  private exact: number | null = null;

  constructor(private readonly request: ChatCompletionRequest) {}

  /**
   * UTF-8 bytes of the messages and tools as JSON: an upper bound of their tokens, since
   * byte-level BPE never makes more tokens than bytes, and each message's JSON framing (at least
   * `{"role":"","content":""}`) covers the chat template's tokens per message. Money reserves
   * by it; the context window skips tokenizing when it (plus the reply priming) already fits.
   */
  bytes(): number {
    if (this.bytesOfJson === null) {
      const { messages, tools } = this.request;
      this.messagesJson = JSON.stringify(messages);
      this.bytesOfJson = Buffer.byteLength(this.messagesJson) + (tools ? Buffer.byteLength(JSON.stringify(tools)) : 0);
    }
    return this.bytesOfJson;
  }

  /** The 4-characters-per-token estimate (tpm takes it up front and corrects it on settle). */
  estimate(): number {
    this.estimated ??= estimatePromptTokens(this.request.messages);
    return this.estimated;
  }

  /** Counted with o200k_base (data-plane/tokenizer): exact for current OpenAI models, a close estimate for others. */
  tokens(): number {
    if (this.exact === null) {
      let tokens = REPLY_PRIMING_TOKENS;
      for (const message of this.request.messages) tokens += PER_MESSAGE_TOKENS + countTokens(messageText(message.content));
      if (this.request.tools?.length) tokens += countTokens(JSON.stringify(this.request.tools));
      this.exact = tokens;
    }
    return this.exact;
  }
}

const measured = new WeakMap<ChatCompletionRequest, PromptSize>();

/** The one PromptSize of this request object (a guardrail's rewritten request is another object, measured anew). */
export function promptSizeOf(request: ChatCompletionRequest): PromptSize {
  let size = measured.get(request);
  if (!size) measured.set(request, (size = new PromptSize(request)));
  return size;
}

/**
 * `body` (a copy of `request` the caller owns) as JSON, its messages serialised once: the text
 * bytes() measured is spliced in (as the last field; key order means nothing in JSON) instead of
 * being serialised again, the largest part of the body. Only when the request was measured and
 * `body` still holds its messages (a rewritten request is another object, measured anew).
 */
export function stringifyWithMessages(body: { messages?: unknown }, request: object): string {
  const json = measured.get(request as ChatCompletionRequest)?.messagesJson;
  if (json == null || body.messages !== (request as ChatCompletionRequest).messages) return JSON.stringify(body);
  // undefined: JSON.stringify leaves the field out (a delete would turn the object into a dictionary).
  body.messages = undefined;
  const rest = JSON.stringify(body);
  return rest.length === 2 ? `{"messages":${json}}` : `${rest.slice(0, -1)},"messages":${json}}`;
}
