import { type ChatCompletionRequest, messageText } from '../../../shared/openai/chat-request.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import { estimatePromptTokens, estimateTextTokens } from '../../usage/estimate-tokens.ts';

const MAX_ECHO_CHARS = 400;
const STREAM_PIECES = 4;

/**
 * The mock's deterministic answer: an echo of the last user message, so tests and demos can tell
 * requests apart, with usage counted by the same estimator the gateway uses.
 */
export function mockAnswer(request: ChatCompletionRequest): { text: string; usage: TokenCounts } {
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const prompt = lastUser ? messageText(lastUser.content) : '';
  const text = `Echo: ${prompt.length > MAX_ECHO_CHARS ? `${prompt.slice(0, MAX_ECHO_CHARS)}…` : prompt}`;
  return {
    text,
    usage: { promptTokens: estimatePromptTokens(request.messages), completionTokens: estimateTextTokens(text), cachedTokens: 0 },
  };
}

/** The answer cut after each whitespace: one word per chunk, for token-rate pacing. */
export function splitIntoWords(text: string): string[] {
  return text.split(/(?<=\s)/);
}

/** The answer cut at word boundaries into a few pieces, one per streamed chunk. */
export function splitForStream(text: string): string[] {
  const words = splitIntoWords(text);
  const perPiece = Math.max(1, Math.ceil(words.length / STREAM_PIECES));
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += perPiece) pieces.push(words.slice(i, i + perPiece).join(''));
  return pieces;
}
