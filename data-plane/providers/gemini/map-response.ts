import { type ChatCompletion, toCompletionUsage } from '../../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { CompletionResult } from '../adapter.ts';
import { assistantMessage } from '../single-choice-completion.ts';
import { upstreamInvalidResponse } from '../upstream-errors.ts';

/** The parts of Gemini's GenerateContentResponse the mapping reads. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
}

export interface GeminiCandidate {
  index?: number;
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
}

export interface GeminiPart {
  text?: string;
  /** A thought summary of a thinking model: not part of the answer. */
  thought?: boolean;
  functionCall?: { id?: string; name: string; args?: unknown };
}

export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
}

/** Thinking tokens are billed as output by Google, so they count as completion tokens here. */
export function geminiTokenCounts(usage: GeminiUsage): TokenCounts {
  return {
    promptTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    completionTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cachedTokens: usage.cachedContentTokenCount ?? 0,
    reasoningTokens: usage.thoughtsTokenCount ?? 0,
  };
}

/** Gemini finishReason as OpenAI finish_reason (a candidate that called a function: tool_calls). */
export function toFinishReason(reason: string | undefined, calledTools: boolean): string {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    default:
      return calledTools ? 'tool_calls' : 'stop';
  }
}

/** Function call parts as OpenAI tool calls; Gemini ids are used when it sends them. */
export function toolCallsOf(parts: GeminiPart[], firstIndex: number, idPrefix: string) {
  return parts
    .filter((part) => part.functionCall)
    .map((part, offset) => ({
      index: firstIndex + offset,
      id: part.functionCall!.id ?? `call_${idPrefix}_${firstIndex + offset}`,
      type: 'function' as const,
      function: { name: part.functionCall!.name, arguments: JSON.stringify(part.functionCall!.args ?? {}) },
    }));
}

export function textOf(parts: GeminiPart[]): string {
  return parts
    .filter((part) => typeof part.text === 'string' && !part.thought)
    .map((part) => part.text)
    .join('');
}

export function parseGeminiJson(text: string, status: number, providerName: string): GeminiResponse {
  let json: GeminiResponse;
  try {
    json = JSON.parse(text);
  } catch {
    throw upstreamInvalidResponse(providerName, status, 'the body is not JSON');
  }
  if (json === null || typeof json !== 'object' || (json.candidates !== undefined && !Array.isArray(json.candidates))) {
    throw upstreamInvalidResponse(providerName, status, 'the body is not a GenerateContentResponse');
  }
  return json;
}

/**
 * A generateContent response as a chat.completion, one choice per candidate. A prompt blocked by
 * safety filters (no candidates, promptFeedback.blockReason) is one empty `content_filter` choice.
 */
export function toCompletionResult(status: number, text: string, providerName: string, upstreamModel: string): CompletionResult {
  const response = parseGeminiJson(text, status, providerName);
  const id = response.responseId ?? `gemini-${Date.now().toString(36)}`;
  const candidates = response.candidates ?? [];
  const choices =
    candidates.length === 0
      ? [{ index: 0, message: { role: 'assistant', content: null, refusal: null }, logprobs: null, finish_reason: 'content_filter' }]
      : candidates.map((candidate, position) => {
          const parts = candidate.content?.parts ?? [];
          const toolCalls = toolCallsOf(parts, 0, id).map(({ index: _index, ...call }) => call);
          const content = textOf(parts);
          return {
            index: candidate.index ?? position,
            message: assistantMessage(content, toolCalls),
            logprobs: null,
            finish_reason: toFinishReason(candidate.finishReason, toolCalls.length > 0),
          };
        });
  const usage = response.usageMetadata ? geminiTokenCounts(response.usageMetadata) : null;
  const completion: ChatCompletion = {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? upstreamModel,
    choices,
    ...(usage ? { usage: toCompletionUsage(usage) } : {}),
  };
  return { status, completion, usage };
}
