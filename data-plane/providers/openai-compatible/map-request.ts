import type { CompiledProvider } from '../../snapshot/compiled-snapshot.ts';
import type { UpstreamCall } from '../adapter.ts';
import { baseUrlOf, type WireRequest } from '../http-call.ts';

/** The OpenAI REST endpoints Tollgate forwards. */
export type OpenAIEndpoint = 'chat/completions' | 'completions' | 'embeddings';

/**
 * Where an OpenAI-wire request goes and how it authenticates: the only difference between
 * OpenAI-style providers and Azure OpenAI (deployment paths, `api-version`, `api-key` header).
 */
export interface OpenAIDialect {
  url(call: Pick<UpstreamCall, 'provider' | 'upstreamModel'>, endpoint: OpenAIEndpoint): string;
  authHeaders(provider: CompiledProvider): Record<string, string>;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** OpenAI and every server that speaks its API: `{baseUrl}/{endpoint}`, bearer token. */
export const openAIDialect: OpenAIDialect = {
  url: (call, endpoint) => `${baseUrlOf(call, call.provider.kind === 'openai' ? OPENAI_BASE_URL : null)}/${endpoint}`,
  authHeaders: (provider): Record<string, string> => (provider.credential !== null ? { authorization: `Bearer ${provider.credential}` } : {}),
};

/**
 * The client body re-serialised for the upstream with only `model` replaced by the deployment's
 * upstream model id (and, for streams, usage always requested: it is what we bill by). Unknown
 * client fields pass through untouched.
 */
export function toWireRequest(
  call: Pick<UpstreamCall, 'provider' | 'upstreamModel' | 'requestId'> & { request: object & { stream_options?: object | null } },
  endpoint: OpenAIEndpoint,
  stream: boolean,
  dialect: OpenAIDialect,
): WireRequest {
  const body = stream
    ? { ...call.request, model: call.upstreamModel, stream: true, stream_options: { ...call.request.stream_options, include_usage: true } }
    : { ...call.request, model: call.upstreamModel };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...dialect.authHeaders(call.provider),
  };
  if (call.requestId) headers['x-request-id'] = call.requestId;
  return { url: dialect.url(call, endpoint), headers, body: JSON.stringify(body) };
}
