import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { CompletionResult } from '../adapter.ts';
import { singleChoiceCompletion, toolCall } from '../single-choice-completion.ts';
import { upstreamInvalidResponse } from '../upstream-errors.ts';

/** Anthropic's `usage` object (message_start, message_delta and the whole message share it). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/**
 * Anthropic's input_tokens excludes cache reads and writes; OpenAI's prompt_tokens includes its
 * cached part. Cache reads are priced as cached input, cache writes at the price book's
 * cache-write price (the input price when it has none).
 */
export function anthropicTokenCounts(usage: AnthropicUsage): TokenCounts {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  return {
    promptTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cacheRead,
    completionTokens: usage.output_tokens ?? 0,
    cachedTokens: cacheRead,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

/** Anthropic stop_reason as OpenAI finish_reason. */
export function toFinishReason(stopReason: string | null | undefined): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn
      return 'stop';
  }
}

interface AnthropicMessage {
  id: string;
  type: 'message';
  model: string;
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown } | { type: string })[];
  stop_reason: string | null;
  usage: AnthropicUsage;
}

/** A Messages API `message` as a chat.completion. Thinking blocks are not passed on. */
export function toCompletionResult(status: number, text: string, providerName: string): CompletionResult {
  let message: AnthropicMessage;
  try {
    message = JSON.parse(text);
  } catch {
    throw upstreamInvalidResponse(providerName, status, 'the body is not JSON');
  }
  if (message?.type !== 'message' || !Array.isArray(message.content) || typeof message.usage !== 'object') {
    throw upstreamInvalidResponse(providerName, status, 'the body is not a message');
  }
  let content = '';
  const toolCalls: object[] = [];
  for (const block of message.content) {
    if (block.type === 'text') content += (block as { text: string }).text;
    else if (block.type === 'tool_use') {
      const use = block as { id: string; name: string; input: unknown };
      toolCalls.push(toolCall(use.id, use.name, use.input));
    }
  }
  const usage = anthropicTokenCounts(message.usage);
  const completion = singleChoiceCompletion({
    id: message.id,
    model: message.model,
    content,
    toolCalls,
    finishReason: toFinishReason(message.stop_reason),
    usage,
  });
  return { status, completion, usage };
}
