import { type ChatCompletionRequest, messageText } from '../../shared/openai/chat-request.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { CompiledModel } from '../snapshot/compiled-snapshot.ts';
import { countTokens } from '../tokenizer/count-tokens.ts';

/** Tokens the chat template adds around each message, and to prime the reply (OpenAI's figures). */
const PER_MESSAGE_TOKENS = 4;
const REPLY_PRIMING_TOKENS = 3;

/**
 * The prompt's size in tokens, counted at most once per request and only when a model with a
 * context window needs it. Counted with o200k_base (data-plane/tokenizer): exact for current OpenAI
 * models, a close estimate for others. Image and audio parts are not counted.
 */
export class PromptSize {
  private exact: number | null = null;
  private bound: number | null = null;

  constructor(private readonly request: ChatCompletionRequest) {}

  /**
   * A cheap upper bound: byte-level BPE never makes more tokens than UTF-8 bytes, so a prompt
   * whose bytes fit needs no tokenizing at all (most requests against large windows).
   */
  upperBound(): number {
    if (this.bound === null) {
      let bytes = 0;
      for (const message of this.request.messages) bytes += PER_MESSAGE_TOKENS + Buffer.byteLength(messageText(message.content));
      if (this.request.tools?.length) bytes += Buffer.byteLength(JSON.stringify(this.request.tools));
      this.bound = bytes + REPLY_PRIMING_TOKENS;
    }
    return this.bound;
  }

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

/** Output tokens the request reserves in the window. */
function outputReserve(request: ChatCompletionRequest): number {
  return request.max_completion_tokens ?? request.max_tokens ?? 0;
}

/** Null when the prompt (plus the requested output) fits the model's window; else the 400. */
export function checkContextWindow(model: CompiledModel, prompt: PromptSize, request: ChatCompletionRequest): GatewayError | null {
  const window = model.model.contextWindow;
  if (window === null) return null;
  const budget = window - outputReserve(request);
  if (prompt.upperBound() <= budget) return null;
  const tokens = prompt.tokens();
  if (tokens <= budget) return null;
  const reserve = outputReserve(request);
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'context_length_exceeded',
    param: 'messages',
    message:
      `This model's maximum context length is ${window} tokens. However, your messages resulted in ${tokens} tokens` +
      (reserve > 0 ? ` and ${reserve} tokens are requested for the completion.` : '.') +
      ' Please reduce the length of the messages.',
  });
}
