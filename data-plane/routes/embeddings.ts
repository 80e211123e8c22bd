import { embeddingInputs } from '../../shared/openai/embeddings.ts';
import { embedAttempt } from '../dispatch/relay-embeddings.ts';
import type { RouteHandler } from '../http/router.ts';
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
    };
  });
}
