import { stringifyWithMessages } from '../../request/prompt-size.ts';
import type { CompiledProvider } from '../../snapshot/compiled-snapshot.ts';
import { chatCompletionValidator, embeddingValidator, textCompletionValidator } from '../../validation/endpoint-validators.ts';
import { withoutUnlisted } from '../../validation/extra-parameters.ts';
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

/** The parameters each endpoint defines (OpenAI spec): the only ones forwarded, with the deployment's extras. */
const KNOWN: Record<OpenAIEndpoint, ReadonlySet<string>> = {
  'chat/completions': chatCompletionValidator.known,
  completions: textCompletionValidator.known,
  embeddings: embeddingValidator.known,
};

/**
 * `metadata` is Tollgate's (the usage events' tags and metadata, request-tags.ts) unless the client
 * asks the upstream to store the completion: OpenAI refuses it without `store: true` (400 "The
 * 'metadata' parameter is only allowed when 'store' is enabled"). With `store`, an array
 * `metadata.tags` (LiteLLM's form) goes as the comma-separated string OpenAI's string pairs allow.
 */
function forwardMetadataOnlyWithStore(body: Record<string, unknown>): void {
  const metadata = body.metadata as Record<string, unknown> | null | undefined;
  if (metadata === undefined) return;
  if (body.store !== true) delete body.metadata;
  else if (Array.isArray(metadata?.tags)) body.metadata = { ...metadata, tags: metadata.tags.join(',') };
}

/**
 * The client's stream request with the upstream model and usage always requested. Object.assign
 * then stores, not `{ ...request, stream_options }`: most clients send no `stream_options`, and on
 * Node 20 a spread followed by a property its source lacks takes V8's slow path (652 -> 74 ns in a
 * micro-benchmark). Same fields in the same order either way.
 */
function streamedBody(call: { request: object & { stream_options?: object | null }; upstreamModel: string }): Record<string, unknown> {
  const body: Record<string, unknown> = Object.assign({}, call.request);
  body.model = call.upstreamModel;
  body.stream = true;
  body.stream_options = { ...call.request.stream_options, include_usage: true };
  return body;
}

/**
 * The client body re-serialised for the upstream with `model` replaced by the deployment's
 * upstream model id (and, for streams, usage always requested: it is what we bill by). Fields
 * the endpoint does not define reach the upstream only when the deployment allow-lists them.
 */
export function toWireRequest(
  call: Pick<UpstreamCall, 'provider' | 'upstreamModel' | 'requestId' | 'extraParameters'> & { request: object & { stream_options?: object | null } },
  endpoint: OpenAIEndpoint,
  stream: boolean,
  dialect: OpenAIDialect,
): WireRequest {
  const body = withoutUnlisted(stream ? streamedBody(call) : { ...call.request, model: call.upstreamModel }, KNOWN[endpoint], call.extraParameters);
  forwardMetadataOnlyWithStore(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...dialect.authHeaders(call.provider),
  };
  if (call.requestId) headers['x-request-id'] = call.requestId;
  return { url: dialect.url(call, endpoint), headers, body: stringifyWithMessages(body, call.request) };
}
