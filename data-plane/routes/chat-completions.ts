import { completeAttempt } from '../dispatch/relay-completion.ts';
import { streamAttempt } from '../dispatch/relay-stream.ts';
import type { RouteHandler } from '../http/router.ts';
import { applySystemPrompt } from '../policy/team-policy.ts';
import { chatCapabilityGap } from '../routing/check-capabilities.ts';
import { chatCompletionValidator } from '../validation/endpoint-validators.ts';
import { parseRequestBody } from './parse-json-body.ts';
import { type RoutedDeps, routedRoute } from './routed-route.ts';

/** `POST /v1/chat/completions`, whole or streamed (SSE), on every provider kind. */
export function chatCompletionsRoute(deps: RoutedDeps): RouteHandler {
  return routedRoute(deps, (body, apiKey) => {
    const parsed = parseRequestBody(body, chatCompletionValidator);
    const request = applySystemPrompt(parsed.request, apiKey.routing.systemPrompt);
    return {
      path: '/v1/chat/completions',
      request,
      extraParameters: parsed.extraParameters,
      checksContextWindow: true,
      servedBy: () => true,
      capabilityGap: (model) => chatCapabilityGap(model, request),
      relay: request.stream === true ? streamAttempt : completeAttempt,
    };
  });
}
