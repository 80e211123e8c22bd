import { type EmbeddingRequest, embeddingInputs } from '../../shared/openai/embeddings.ts';
import { embedAttempt } from '../dispatch/relay-embeddings.ts';
import type { RouteHandler } from '../http/router.ts';
import type { Endpoint } from '../request/endpoint.ts';
import { embeddingsCapabilityGap } from '../routing/check-capabilities.ts';
import { embeddingValidator } from '../validation/endpoint-validators.ts';
import { parseRequestBody } from './parse-json-body.ts';
import { type RoutedDeps, routedRoute } from './routed-route.ts';

/**
 * `POST /v1/embeddings`: for models with the `embeddings` capability, on deployments whose provider
 * kind embeds (openai, openai-compatible, azure-openai, gemini, mock), through the same plan,
 * retries, fallback chain and money as chat. One usage event per attempt, completion tokens 0.
 */
export function embeddingsRoute(deps: RoutedDeps): RouteHandler {
  return routedRoute(deps, (body) => {
    const { request, extraParameters } = parseRequestBody(body, embeddingValidator);
    return embeddingsEndpoint(request, extraParameters);
  });
}

function embeddingsEndpoint(request: EmbeddingRequest, extraParameters: readonly string[]): Endpoint {
  const { texts } = embeddingInputs(request.input);
  return {
    path: '/v1/embeddings',
    extraParameters,
    // Embeddings produce no output tokens: nothing to reserve beyond the input.
    request: { model: request.model, user: request.user, messages: texts.map((text) => ({ role: 'user' as const, content: text })), max_tokens: 0 },
    // An embedding model's window bounds each input, not their sum: the upstream judges it.
    checksContextWindow: false,
    servedBy: (adapter) => adapter.embed !== undefined,
    capabilityGap: embeddingsCapabilityGap,
    relay: (run) => embedAttempt(run, request),
    // Token-array inputs have no text to rewrite; they pass as they are.
    mapText: (map) => embeddingsEndpoint({ ...request, input: mapInput(request.input, map) }, extraParameters),
  };
}

function mapInput(input: EmbeddingRequest['input'], map: (text: string) => string): EmbeddingRequest['input'] {
  if (typeof input === 'string') return map(input);
  if (input.length > 0 && typeof input[0] === 'string') return (input as string[]).map(map);
  return input;
}
