import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';

/**
 * The request as the team's policy shapes it: the system prompt resolved at compile time (the
 * team's, else its plan's), when set, goes first.
 */
export function applySystemPrompt(request: ChatCompletionRequest, systemPrompt: string | null): ChatCompletionRequest {
  if (!systemPrompt) return request;
  return { ...request, messages: [{ role: 'system', content: systemPrompt }, ...request.messages] };
}
