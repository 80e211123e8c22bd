import { UpstreamErrorBody } from '../../../shared/openai/error-body.ts';
import { ChatCompletion, CompletionUsage, toTokenCounts } from '../../../shared/openai/chat-response.ts';
import type { CompletionResult } from '../adapter.ts';
import { redactSecret, upstreamInvalidResponse } from '../upstream-errors.ts';

/** A 2xx chat.completion body as our result; anything else is an invalid upstream response. */
export function toCompletionResult(status: number, text: string, providerName: string): CompletionResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw upstreamInvalidResponse(providerName, status, 'the body is not JSON');
  }
  const parsed = ChatCompletion.safeParse(json);
  if (!parsed.success) throw upstreamInvalidResponse(providerName, status, 'the body is not a chat.completion');
  // Hand the client the upstream object itself, unknown fields included.
  const completion = json as ChatCompletion;
  return { status, completion, usage: parsed.data.usage ? toTokenCounts(parsed.data.usage) : null };
}

/** The usage block of a frame, when it carries a valid one. */
export function usageOf(frame: { usage?: unknown }) {
  if (frame.usage === undefined || frame.usage === null) return null;
  const parsed = CompletionUsage.safeParse(frame.usage);
  return parsed.success ? toTokenCounts(parsed.data) : null;
}

/**
 * The message of an OpenAI-style error body, redacted; null when the body is not one. Only the
 * message crosses to the client, never the raw body.
 */
export function upstreamErrorMessage(text: string, credential: string | null): string | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = UpstreamErrorBody.safeParse(json);
  if (!parsed.success) return null;
  const message = typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
  return message ? redactSecret(message, credential) : null;
}
