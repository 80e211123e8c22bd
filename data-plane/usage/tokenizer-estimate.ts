import { type ChatMessage, messageText } from '../../shared/openai/chat-request.ts';
import { countTokens } from '../tokenizer/count-tokens.ts';

// The chat template's tokens around each message and to prime the reply (OpenAI's figures, as
// in routing/context-window.ts).
const PER_MESSAGE_TOKENS = 4;
const REPLY_PRIMING_TOKENS = 3;

/**
 * Usage of an attempt the provider reported none for (a stream cut before its usage, an abort, a
 * timeout, a non-compliant server), counted with a real BPE tokenizer (o200k_base, data-plane/tokenizer:
 * exact for current OpenAI models, close for others) instead of a characters-per-token rule.
 * Only run when an attempt ends without usage, never on the common path.
 */
export function tokenizedPromptTokens(messages: readonly ChatMessage[]): number {
  let tokens = REPLY_PRIMING_TOKENS;
  for (const message of messages) tokens += PER_MESSAGE_TOKENS + countTokens(messageText(message.content));
  return tokens;
}

/** Tokens of generated text (content and tool arguments as they streamed). */
export function tokenizedTextTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}
