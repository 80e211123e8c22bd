import type { UpstreamCall } from '../adapter.ts';
import { toAnthropicRequest } from '../anthropic/map-request.ts';
import { toGeminiRequest } from '../gemini/map-request.ts';
import { baseUrlOf, upstreamMisconfigured, type WireRequest } from '../http-call.ts';

/** The Messages API version Anthropic models on Vertex take in the body (instead of a header). */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/** A Google Cloud location (`us-central1`, `europe-west4`, `global`): only these make a host. */
const LOCATION = /^(global|[a-z]+(-[a-z]+)*\d{0,2})$/;

/** Which publisher's API serves the deployed model: Anthropic's Claude models, or Google's Gemini. */
export type VertexPublisher = 'anthropic' | 'google';

export function publisherOf(upstreamModel: string): VertexPublisher {
  return upstreamModel.startsWith('claude') ? 'anthropic' : 'google';
}

/**
 * `{base}/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}`,
 * where base is `https://{location}-aiplatform.googleapis.com` (`aiplatform.googleapis.com` for
 * `global`) unless the provider sets a base URL (Private Service Connect, a proxy).
 */
export function vertexUrl(call: Pick<UpstreamCall, 'provider' | 'upstreamModel'>, project: string, method: string): string {
  const location = call.provider.region;
  if (!location || !LOCATION.test(location))
    throw upstreamMisconfigured(call.provider.name, 'needs a valid Google Cloud location as its region (e.g. us-central1)');
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  const base = baseUrlOf(call, `https://${host}`);
  // Claude versions are `name@date` on Vertex: `@` may stay literal in a path segment.
  const model = encodeURIComponent(call.upstreamModel).replaceAll('%40', '@');
  return `${base}/v1/projects/${encodeURIComponent(project)}/locations/${location}/publishers/${publisherOf(call.upstreamModel)}/models/${model}:${method}`;
}

/**
 * The request for the model's publisher, with the access token: Gemini's generateContent body
 * as the gemini mapping builds it (`:generateContent`, `:streamGenerateContent?alt=sse`), or
 * Anthropic's Messages body as the anthropic mapping builds it, without `model` (the URL names
 * it) and with `anthropic_version` (`:rawPredict`, `:streamRawPredict`).
 */
export function toVertexRequest(call: UpstreamCall, project: string, accessToken: string, stream: boolean): WireRequest {
  // The mappings must not put a credential of theirs on the wire: the token goes in below.
  const bare = { ...call, provider: { ...call.provider, credential: null } };
  const authorization = `Bearer ${accessToken}`;
  if (publisherOf(call.upstreamModel) === 'google') {
    const wire = toGeminiRequest(bare, stream);
    const url = stream ? `${vertexUrl(call, project, 'streamGenerateContent')}?alt=sse` : vertexUrl(call, project, 'generateContent');
    return { ...wire, url, headers: { ...wire.headers, authorization } };
  }
  const wire = toAnthropicRequest(bare, stream);
  const { model: _model, ...body } = JSON.parse(wire.body ?? '{}') as Record<string, unknown>;
  const headers = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', authorization };
  return {
    url: vertexUrl(call, project, stream ? 'streamRawPredict' : 'rawPredict'),
    headers,
    body: JSON.stringify({ anthropic_version: VERTEX_ANTHROPIC_VERSION, ...body }),
  };
}
