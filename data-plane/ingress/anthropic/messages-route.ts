import { mapContentText } from '../../guardrails/chat-text.ts';
import type { RouteHandler } from '../../http/router.ts';
import { applySystemPrompt } from '../../policy/team-policy.ts';
import type { Endpoint } from '../../request/endpoint.ts';
import { parseRequestBody } from '../../routes/parse-json-body.ts';
import { type RoutedDeps, routedRoute } from '../../routes/routed-route.ts';
import { chatCapabilityGap } from '../../routing/check-capabilities.ts';
import type { CompiledApiKey } from '../../snapshot/compiled-snapshot.ts';
import type { MessagesRequest } from './messages-request.ts';
import { messagesValidator } from './messages-validator.ts';
import { type NativeRequest, nativeMessage, nativeStream } from './native-relay.ts';
import { messagesToChat } from './to-chat.ts';
import { translatedMessage, translatedStream } from './translated-relay.ts';

/** Client headers a native Anthropic upstream gets as they are. */
const PASSED_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * `POST /v1/messages`, Anthropic's Messages API, through the same spine as chat completions
 * (keys, plans, limits, budgets, fallback chains, profiles, system-prompt policy, one usage event
 * per attempt). Each attempt goes natively to an Anthropic deployment, or translated to chat for
 * any other kind. The chat form of the request is what admission, context-window checks and
 * estimates read, whichever way the attempt goes.
 */
export function messagesRoute(deps: RoutedDeps): RouteHandler {
  return (exchange) => {
    const headers: Record<string, string> = {};
    for (const name of PASSED_HEADERS) if (exchange.headers[name]) headers[name] = exchange.headers[name];
    return routedRoute(deps, (body, apiKey) => {
      const { request, extraParameters } = parseRequestBody(body, messagesValidator);
      return messagesEndpoint(request, extraParameters, apiKey, headers);
    })(exchange);
  };
}

function messagesEndpoint(request: MessagesRequest, extraParameters: readonly string[], apiKey: CompiledApiKey, headers: Record<string, string>): Endpoint {
  const translated = messagesToChat(request);
  const chat = applySystemPrompt(translated.chat, apiKey.routing.systemPrompt);
  const native: NativeRequest = { body: withSystemPrompt(request, apiKey), headers, known: messagesValidator.known };
  const streamed = request.stream === true;
  return {
    path: '/v1/messages',
    request: chat,
    extraParameters,
    checksContextWindow: true,
    servedBy: () => true,
    capabilityGap: (model) => chatCapabilityGap(model, chat),
    relay(run) {
      if (run.call.provider.kind === 'anthropic') return streamed ? nativeStream(run, native) : nativeMessage(run, native);
      if (translated.untranslatable) throw translated.untranslatable;
      return streamed ? translatedStream(run) : translatedMessage(run);
    },
    // The client's texts (system, then each message's text blocks), rewritten in the native body;
    // the chat form is derived again from it, so both ways upstream carry the same text.
    mapText: (map) =>
      messagesEndpoint(
        {
          ...request,
          ...(request.system !== undefined ? { system: mapContentText(request.system, map) } : {}),
          messages: request.messages.map((message) => ({ ...message, content: mapContentText(message.content, map) })),
        },
        extraParameters,
        apiKey,
        headers,
      ),
  };
}

/**
 * The team's system prompt (policy) ahead of the client's, in Anthropic's form: a text block
 * first, the client's `system` (string or blocks, cache_control kept) after it.
 */
export function withSystemPrompt<T extends Pick<MessagesRequest, 'system'>>(request: T, apiKey: CompiledApiKey): T {
  const policy = apiKey.routing.systemPrompt;
  if (!policy) return request;
  const own = typeof request.system === 'string' ? [{ type: 'text', text: request.system }] : (request.system ?? []);
  return { ...request, system: [{ type: 'text', text: policy }, ...own] };
}
