import { type ChatMessage, messageText } from '../../shared/openai/chat-request.ts';

/**
 * Token estimates for when a provider reports no usage (and for the mock provider). A rough
 * 4-characters-per-token rule, the usual English average for BPE tokenizers; events built on it
 * are flagged `estimated: true`. A real tokenizer per model family can replace this later.
 */
export function estimateTextTokens(text: string): number {
  return estimateTokensFromChars(text.length);
}

/** The same rule for text only counted, not kept (e.g. the output of a stream). */
export function estimateTokensFromChars(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Text tokens plus a few per message for the role and the chat template's framing. */
const PER_MESSAGE_OVERHEAD = 4;

export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let tokens = 0;
  for (const message of messages) tokens += PER_MESSAGE_OVERHEAD + estimateTextTokens(messageText(message.content));
  return tokens;
}
