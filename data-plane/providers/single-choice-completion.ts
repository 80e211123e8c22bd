import type { ChatCompletion } from '../../shared/openai/chat-response.ts';
import { toCompletionUsage } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';

/** A tool call the provider made, in OpenAI's shape; `input` is the provider's parsed arguments. */
export function toolCall(id: string, name: string, input: unknown): object {
  return { id, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } };
}

/**
 * A chat.completion with one choice, as providers that answer once per request (Anthropic,
 * Bedrock Converse) map to: the content is null when the answer is only tool calls, as OpenAI's is.
 */
export function singleChoiceCompletion(answer: {
  id: string;
  model: string;
  content: string;
  toolCalls: object[];
  finishReason: string;
  usage: TokenCounts;
}): ChatCompletion {
  const { content, toolCalls } = answer;
  return {
    id: answer.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    choices: [
      {
        index: 0,
        message: assistantMessage(content, toolCalls),
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    usage: toCompletionUsage(answer.usage),
  };
}

/** The assistant message of one choice: no content beside tool calls is `null`, as OpenAI sends it. */
export function assistantMessage(content: string, toolCalls: object[]) {
  return {
    role: 'assistant' as const,
    content: content === '' && toolCalls.length > 0 ? null : content,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}
