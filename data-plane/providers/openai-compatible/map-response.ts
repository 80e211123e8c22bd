import { ChatCompletion, CompletionUsage, toTokenCounts } from '../../../shared/openai/chat-response.ts';
import { EmbeddingResponse } from '../../../shared/openai/embeddings.ts';
import { TextCompletion } from '../../../shared/openai/text-completion.ts';
import { compileShape } from '../../../shared/validation/compiled-shape.ts';
import type { CompletionResult, EmbeddingResult, TextCompletionResult } from '../adapter.ts';
import { upstreamInvalidResponse } from '../upstream-errors.ts';

const isChatCompletion = compileShape(ChatCompletion);
const isTextCompletion = compileShape(TextCompletion);
const isEmbeddingResponse = compileShape(EmbeddingResponse);
const isCompletionUsage = compileShape(CompletionUsage);

/** A 2xx body checked by `isShape`; the upstream object itself is kept, unknown fields included. */
function parseBody<T>(isShape: (value: unknown) => value is T, text: string, status: number, providerName: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw upstreamInvalidResponse(providerName, status, 'the body is not JSON');
  }
  if (!isShape(json)) throw upstreamInvalidResponse(providerName, status, `the body is not ${what}`);
  return json;
}

/** A 2xx chat.completion body as our result; anything else is an invalid upstream response. */
export function toCompletionResult(status: number, text: string, providerName: string): CompletionResult {
  const completion = parseBody(isChatCompletion, text, status, providerName, 'a chat.completion');
  return { status, completion, usage: usageOf(completion), raw: text };
}

export function toTextCompletionResult(status: number, text: string, providerName: string): TextCompletionResult {
  const completion = parseBody(isTextCompletion, text, status, providerName, 'a text_completion');
  return { status, completion, usage: usageOf(completion) };
}

export function toEmbeddingResult(status: number, text: string, providerName: string): EmbeddingResult {
  const response = parseBody(isEmbeddingResponse, text, status, providerName, 'an embeddings list');
  const usage = response.usage ? { promptTokens: response.usage.prompt_tokens, completionTokens: 0, cachedTokens: 0 } : null;
  return { status, response, usage };
}

/** The usage block of a frame, when it carries a valid one. */
export function usageOf(frame: object & { usage?: unknown }) {
  if (frame.usage === undefined || frame.usage === null) return null;
  return isCompletionUsage(frame.usage) ? toTokenCounts(frame.usage) : null;
}
