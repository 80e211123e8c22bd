import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { CompletionResult } from '../adapter.ts';
import { singleChoiceCompletion, toolCall } from '../single-choice-completion.ts';
import { upstreamInvalidResponse } from '../upstream-errors.ts';

/** Converse's `usage` (the whole response and the stream's `metadata` event share it). */
export interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/**
 * Converse's inputTokens excludes prompt-cache reads and writes; OpenAI's prompt_tokens includes
 * its cached part. Reads are priced as cached input, writes at the cache-write price.
 */
export function converseTokenCounts(usage: ConverseUsage): TokenCounts {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  return {
    promptTokens: (usage.inputTokens ?? 0) + cacheRead + cacheWrite,
    completionTokens: usage.outputTokens ?? 0,
    cachedTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}

/** Converse stopReason as OpenAI finish_reason. */
export function toFinishReason(stopReason: string | null | undefined): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      // end_turn, stop_sequence
      return 'stop';
  }
}

interface ConverseResponse {
  output?: { message?: { role?: string; content?: Record<string, any>[] } };
  stopReason?: string;
  usage?: ConverseUsage;
}

/**
 * A Converse response as a chat.completion. Converse has no response id: the id is AWS's request
 * id (`x-amzn-requestid`) when it sent one. Reasoning blocks are not passed on.
 */
export function toCompletionResult(
  status: number,
  text: string,
  context: { providerName: string; upstreamModel: string; requestId: string | null },
): CompletionResult {
  let response: ConverseResponse;
  try {
    response = JSON.parse(text);
  } catch {
    throw upstreamInvalidResponse(context.providerName, status, 'the body is not JSON');
  }
  const blocks = response?.output?.message?.content;
  if (!Array.isArray(blocks) || typeof response.usage !== 'object')
    throw upstreamInvalidResponse(context.providerName, status, 'the body is not a Converse response');
  let content = '';
  const toolCalls: object[] = [];
  for (const block of blocks) {
    if (typeof block.text === 'string') content += block.text;
    else if (block.toolUse) {
      const use = block.toolUse as { toolUseId: string; name: string; input: unknown };
      toolCalls.push(toolCall(use.toolUseId, use.name, use.input));
    }
  }
  const usage = converseTokenCounts(response.usage);
  const id = bedrockCompletionId(context.requestId);
  const completion = singleChoiceCompletion({ id, model: context.upstreamModel, content, toolCalls, finishReason: toFinishReason(response.stopReason), usage });
  return { status, completion, usage };
}

/** `chatcmpl-` + AWS's request id, or a local one when the upstream sent none. */
export function bedrockCompletionId(requestId: string | null): string {
  return `chatcmpl-${requestId ?? `bedrock-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`}`;
}
