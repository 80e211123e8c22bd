import { type ChatCompletionRequest, messageText } from '../../../shared/openai/chat-request.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import { estimatePromptTokens, estimateTextTokens } from '../../usage/estimate-tokens.ts';
import { unsupportedParameter } from '../unsupported-parameter.ts';

const MAX_ECHO_CHARS = 400;
const STREAM_PIECES = 4;

/**
 * The mock's deterministic answer: an echo of the last user message, so tests and demos can tell
 * requests apart, with usage counted by the same estimator the gateway uses. `n` gives that many
 * (identical) choices; JSON mode wraps the echo in a JSON object. What it cannot honour is refused
 * before anything happens, as a real provider would: a forced tool call (it only answers in
 * text; with `tool_choice` auto a text answer is a valid one) and a JSON schema to follow.
 */
export function mockAnswer(request: ChatCompletionRequest): { text: string; choices: number; usage: TokenCounts } {
  const toolChoice = request.tool_choice as unknown;
  if (toolChoice === 'required' || (toolChoice !== null && typeof toolChoice === 'object')) {
    throw unsupportedParameter('mock', 'tool_choice', 'A forced tool call');
  }
  const format = (request.response_format as { type?: unknown } | null | undefined)?.type;
  if (format === 'json_schema') throw unsupportedParameter('mock', 'response_format', 'response_format `json_schema`');
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const prompt = lastUser ? messageText(lastUser.content) : '';
  const echo = prompt.length > MAX_ECHO_CHARS ? `${prompt.slice(0, MAX_ECHO_CHARS)}…` : prompt;
  const text = format === 'json_object' ? JSON.stringify({ echo }) : `Echo: ${echo}`;
  const choices = request.n ?? 1;
  return {
    text,
    choices,
    usage: { promptTokens: estimatePromptTokens(request.messages), completionTokens: estimateTextTokens(text) * choices, cachedTokens: 0 },
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
