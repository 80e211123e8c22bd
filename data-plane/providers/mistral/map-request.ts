import type { UpstreamCall } from '../adapter.ts';
import { baseUrlOf, type WireRequest } from '../http-call.ts';

export const MISTRAL_BASE_URL = 'https://api.mistral.ai/v1';

/**
 * Mistral's chat API (`POST {baseUrl}/chat/completions`, bearer key) is OpenAI's shape with its
 * own names for a few fields, and refuses fields it does not know (422). So the body is renamed
 * where Mistral differs: `max_completion_tokens` -> `max_tokens`, `seed` -> `random_seed`,
 * `tool_choice: "required"` -> `"any"`; OpenAI-only fields it has no use for are dropped
 * (`stream_options`: Mistral always sends usage in its last chunk; `user`, `store`, `metadata`).
 */
export function toMistralRequest(call: UpstreamCall, stream: boolean): WireRequest {
  const { max_completion_tokens, seed, tool_choice, stream_options: _so, user: _u, store: _s, metadata: _m, ...rest } = call.request as Record<string, unknown>;
  const body: Record<string, unknown> = { ...rest, model: call.upstreamModel, stream };
  if (body.max_tokens == null && max_completion_tokens != null) body.max_tokens = max_completion_tokens;
  if (seed != null) body.random_seed = seed;
  if (tool_choice !== undefined) body.tool_choice = tool_choice === 'required' ? 'any' : tool_choice;
  return { url: `${baseUrlOf(call, MISTRAL_BASE_URL)}/chat/completions`, headers: headersFor(call, stream), body: JSON.stringify(body) };
}

/** `POST {baseUrl}/embeddings`: OpenAI's shape (`model`, `input`); `encoding_format` and `dimensions` are OpenAI's. */
export function toMistralEmbeddingRequest(call: Pick<UpstreamCall, 'provider' | 'upstreamModel' | 'requestId'> & { request: { input: unknown } }): WireRequest {
  const body = { model: call.upstreamModel, input: call.request.input };
  return { url: `${baseUrlOf(call, MISTRAL_BASE_URL)}/embeddings`, headers: headersFor(call, false), body: JSON.stringify(body) };
}

function headersFor(call: Pick<UpstreamCall, 'provider' | 'requestId'>, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' };
  if (call.provider.credential !== null) headers.authorization = `Bearer ${call.provider.credential}`;
  if (call.requestId) headers['x-request-id'] = call.requestId;
  return headers;
}
