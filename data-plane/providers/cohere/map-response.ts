import { type ChatCompletion, toCompletionUsage } from '../../../shared/openai/chat-response.ts';
import type { EmbeddingResponse } from '../../../shared/openai/embeddings.ts';
import type { TokenCounts } from '../../../shared/pricing/cost.ts';
import type { CompletionResult, EmbeddingResult } from '../adapter.ts';
import { upstreamInvalidResponse } from '../upstream-errors.ts';

/** Cohere's usage: `billed_units` is what Cohere charges; `tokens` also counts its own prompt template. */
export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
}

export interface CohereToolCall {
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface CohereChatResponse {
  id?: string;
  finish_reason?: string;
  message?: { role?: string; content?: { type: string; text?: string }[]; tool_calls?: CohereToolCall[]; tool_plan?: string };
  usage?: CohereUsage;
}

/** Billed units (what the provider charges for), falling back to raw token counts. */
export function cohereTokenCounts(usage: CohereUsage): TokenCounts {
  const billed = usage.billed_units ?? usage.tokens ?? {};
  return { promptTokens: billed.input_tokens ?? 0, completionTokens: billed.output_tokens ?? 0, cachedTokens: 0 };
}

/** Cohere's finish_reason as OpenAI's. */
export function toFinishReason(reason: string | undefined): string {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR_TOXIC':
      return 'content_filter';
    default:
      return 'stop';
  }
}

function parse<T>(text: string, status: number, providerName: string): T {
  try {
    const json = JSON.parse(text);
    if (json && typeof json === 'object') return json as T;
  } catch {
    // fall through
  }
  throw upstreamInvalidResponse(providerName, status, 'the body is not a JSON object');
}

/** A v2 chat response as a chat.completion: text parts joined; tool calls are already OpenAI-shaped. */
export function toCompletionResult(status: number, text: string, providerName: string, model: string): CompletionResult {
  const response = parse<CohereChatResponse>(text, status, providerName);
  if (!response.message) throw upstreamInvalidResponse(providerName, status, 'the body has no message');
  const content = (response.message.content ?? [])
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('');
  const toolCalls = (response.message.tool_calls ?? []).map((call) => ({
    id: call.id ?? '',
    type: 'function' as const,
    function: { name: call.function?.name ?? '', arguments: call.function?.arguments || '{}' },
  }));
  const usage = response.usage ? cohereTokenCounts(response.usage) : null;
  const completion: ChatCompletion = {
    id: response.id ?? 'cohere-unknown',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: content || (toolCalls.length ? null : ''),
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toFinishReason(response.finish_reason),
      },
    ],
    ...(usage ? { usage: toCompletionUsage(usage) } : {}),
  };
  return { status, completion, usage };
}

interface CohereEmbedResponse {
  embeddings?: { float?: number[][] };
  meta?: { billed_units?: { input_tokens?: number } };
}

/** A v2 embed response (`embeddings.float`) as OpenAI's embeddings list. */
export function toEmbeddingResult(status: number, text: string, providerName: string, model: string): EmbeddingResult {
  const body = parse<CohereEmbedResponse>(text, status, providerName);
  const vectors = body.embeddings?.float;
  if (!Array.isArray(vectors)) throw upstreamInvalidResponse(providerName, status, 'the body has no float embeddings');
  const promptTokens = body.meta?.billed_units?.input_tokens;
  const response: EmbeddingResponse = {
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
    usage: { prompt_tokens: promptTokens ?? 0, total_tokens: promptTokens ?? 0 },
  } as EmbeddingResponse;
  return { status, response, usage: promptTokens === undefined ? null : { promptTokens, completionTokens: 0, cachedTokens: 0 } };
}
