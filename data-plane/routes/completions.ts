import type { TextCompletionRequest } from '../../shared/openai/text-completion.ts';
import { completeTextAttempt, streamTextAttempt } from '../dispatch/relay-text.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import type { RouteHandler } from '../http/router.ts';
import type { Endpoint } from '../request/endpoint.ts';
import { chatCapabilityGap } from '../routing/check-capabilities.ts';
import { textCompletionValidator } from '../validation/endpoint-validators.ts';
import { parseRequestBody } from './parse-json-body.ts';
import { type RoutedDeps, routedRoute } from './routed-route.ts';

/**
 * `POST /v1/completions` (legacy text completions): passed through to deployments whose provider
 * still serves it (openai, openai-compatible, azure-openai), with the same plan, retries, fallback
 * chain, deadlines and money as chat; 400 `unsupported_endpoint` when none can. Streams keep
 * OpenAI's framing; usage is always requested upstream, forwarded on request.
 */
export function completionsRoute(deps: RoutedDeps): RouteHandler {
  return routedRoute(deps, (body, apiKey) => {
    const parsed = parseRequestBody(body, textCompletionValidator);
    return completionsEndpoint(withSystemPrompt(parsed.request, apiKey.routing.systemPrompt), parsed.extraParameters);
  });
}

function completionsEndpoint(request: TextCompletionRequest, extraParameters: readonly string[]): Endpoint {
  const prompt = typeof request.prompt === 'string' ? [request.prompt] : request.prompt.filter((item): item is string => typeof item === 'string');
  const view = {
    model: request.model,
    user: request.user,
    stream: request.stream,
    stream_options: request.stream_options,
    max_tokens: request.max_tokens,
    n: request.n,
    messages: prompt.map((text) => ({ role: 'user' as const, content: text })),
  };
  return {
    path: '/v1/completions',
    request: view,
    extraParameters,
    checksContextWindow: true,
    servedBy: (adapter) => adapter.completeText !== undefined && adapter.streamText !== undefined,
    capabilityGap: (model) => chatCapabilityGap(model, view),
    relay: request.stream === true ? (run) => streamTextAttempt(run, request) : (run) => completeTextAttempt(run, request),
    // Text prompts only; token-array prompts pass as they are.
    mapText: (map) =>
      completionsEndpoint(
        {
          ...request,
          prompt: typeof request.prompt === 'string' ? map(request.prompt) : request.prompt.map((item) => (typeof item === 'string' ? map(item) : item)),
        } as TextCompletionRequest,
        extraParameters,
      ),
  };
}

/**
 * The team's (or plan's) system prompt on a legacy completion, which has no messages: it goes
 * before each text prompt, a blank line between, so the legacy endpoint is no way around team
 * policy. Token-array prompts cannot take it: they are refused while a system prompt is set.
 */
function withSystemPrompt(request: TextCompletionRequest, systemPrompt: string | null): TextCompletionRequest {
  if (!systemPrompt) return request;
  const prefix = (text: string) => `${systemPrompt}\n\n${text}`;
  if (typeof request.prompt === 'string') return { ...request, prompt: prefix(request.prompt) };
  if (request.prompt.every((item): item is string => typeof item === 'string')) return { ...request, prompt: request.prompt.map(prefix) };
  throw invalidRequest(
    'Token-array prompts cannot be sent by this team: its system prompt applies to every request. Send the prompt as text.',
    'prompt',
    'unsupported_parameter',
  );
}
