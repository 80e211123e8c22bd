import type { ChatCompletionRequest, ChatMessage } from '../../shared/openai/chat-request.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import { unsupportedParameter } from './unsupported-parameter.ts';

/** A turn of a provider that wants user and assistant turns alternating (Anthropic, Bedrock Converse). */
export interface Turn<B> {
  role: 'user' | 'assistant';
  content: B[];
}

/** How one provider makes its content blocks from OpenAI messages. */
export interface TurnBlocks<B> {
  /** The text of system, developer and assistant messages. */
  text(message: ChatMessage, index: number): B[];
  /** A user message's parts (text, images). */
  user(message: ChatMessage, index: number): B[];
  /** An assistant message's tool calls. */
  toolUses(message: ChatMessage, index: number): B[];
  /** A tool message's result. */
  toolResult(message: ChatMessage, index: number): B;
}

/**
 * OpenAI messages as a system prompt and alternating turns: system and developer messages go to
 * the system prompt, tool results become blocks of a user turn, consecutive turns of one role are
 * merged, empty ones dropped.
 */
export function toAlternatingTurns<B>(messages: ChatMessage[], blocks: TurnBlocks<B>): { system: B[]; turns: Turn<B>[] } {
  const system: B[] = [];
  const turns: Turn<B>[] = [];
  const push = (role: Turn<B>['role'], content: B[]) => {
    if (content.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content });
  };
  messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') system.push(...blocks.text(message, index));
    else if (message.role === 'user') push('user', blocks.user(message, index));
    else if (message.role === 'assistant') push('assistant', [...blocks.text(message, index), ...blocks.toolUses(message, index)]);
    else if (message.role === 'tool') push('user', [blocks.toolResult(message, index)]);
    else throw invalidRequest('The `function` role is deprecated; use `tool`.', `messages[${index}].role`, 'unsupported_parameter');
  });
  return { system, turns };
}

/** What a provider with one answer per request and no JSON mode refuses, before any I/O: n > 1, response_format, logprobs. */
export function refuseMultipleAnswersAndJsonMode(provider: string, request: ChatCompletionRequest & Record<string, any>): void {
  if (request.n != null && request.n > 1) throw unsupportedParameter(provider, 'n', '`n` greater than 1');
  if (request.response_format && request.response_format.type !== 'text') {
    throw unsupportedParameter(provider, 'response_format', `response_format \`${String(request.response_format.type)}\``);
  }
  if (request.logprobs === true) throw unsupportedParameter(provider, 'logprobs', '`logprobs`');
}
