import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { completeAttempt } from '../dispatch/relay-completion.ts';
import { streamAttempt } from '../dispatch/relay-stream.ts';
import { mapChatText } from '../guardrails/chat-text.ts';
import type { RouteHandler } from '../http/router.ts';
import { applySystemPrompt } from '../policy/team-policy.ts';
import type { Endpoint } from '../request/endpoint.ts';
import { chatCapabilityGap } from '../routing/check-capabilities.ts';
import { chatCompletionValidator } from '../validation/endpoint-validators.ts';
import { parseRequestBody } from './parse-json-body.ts';
import { type RoutedDeps, routedRoute } from './routed-route.ts';

/** `POST /v1/chat/completions`, whole or streamed (SSE), on every provider kind. */
export function chatCompletionsRoute(deps: RoutedDeps): RouteHandler {
  return routedRoute(deps, (body, apiKey) => {
    const parsed = parseRequestBody(body, chatCompletionValidator);
    return chatEndpoint(applySystemPrompt(parsed.request, apiKey.routing.systemPrompt), parsed.extraParameters);
  });
}

function chatEndpoint(request: ChatCompletionRequest, extraParameters: readonly string[]): Endpoint {
  return {
    path: '/v1/chat/completions',
    request,
    extraParameters,
    checksContextWindow: true,
    servedBy: () => true,
    capabilityGap: (model) => chatCapabilityGap(model, request),
    relay: request.stream === true ? streamAttempt : completeAttempt,
    mapText: (map) => chatEndpoint(mapChatText(request, map), extraParameters),
  };
}
