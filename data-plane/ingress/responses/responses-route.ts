import type { ChatCompletionRequest } from '../../../shared/openai/chat-request.ts';
import type { ChatCompletion } from '../../../shared/openai/chat-response.ts';
import { relayWhole } from '../../dispatch/relay-completion.ts';
import { mapChatText } from '../../guardrails/chat-text.ts';
import type { RouteHandler } from '../../http/router.ts';
import { applySystemPrompt } from '../../policy/team-policy.ts';
import type { StreamEvent } from '../../providers/adapter.ts';
import type { AttemptRun } from '../../request/attempt.ts';
import type { Endpoint } from '../../request/endpoint.ts';
import { parseRequestBody } from '../../routes/parse-json-body.ts';
import { type RoutedDeps, routedRoute } from '../../routes/routed-route.ts';
import { chatCapabilityGap } from '../../routing/check-capabilities.ts';
import { unknownParameter } from '../../validation/request-validator.ts';
import { relayEvents } from '../relay-events.ts';
import { ChatToResponseEvents, ResponseShell } from './from-chat.ts';
import { responsesValidator } from './responses-validator.ts';
import { responsesToChat } from './to-chat.ts';

/**
 * `POST /v1/responses`, OpenAI's Responses API, stateless: every attempt is a chat completion on
 * whatever provider kind serves the model, through the same spine as /v1/chat/completions (keys,
 * plans, limits, budgets, fallback chains, profiles, system-prompt policy, one usage event per
 * attempt), answered as a `response` object or its typed events. Errors before the stream are
 * OpenAI's error body; a failure after it started ends it with `response.failed`.
 */
export function responsesRoute(deps: RoutedDeps): RouteHandler {
  return (exchange) => {
    let shell: ResponseShell | null = null;
    let events: ChatToResponseEvents | null = null;
    exchange.setErrorFormat({
      json: (error) => ({ status: error.status, body: error.toBody() }),
      event: (error) => (shell ? shell.failed(error, events?.items) : { data: JSON.stringify(error.toBody()) }),
    });
    return routedRoute(deps, (body, apiKey) => {
      const { request, extraParameters } = parseRequestBody(body, responsesValidator);
      // The request is rebuilt as chat: a field outside the spec has nowhere to go, allow-listed or not.
      if (extraParameters.length > 0) throw unknownParameter(extraParameters[0]);
      const current = new ResponseShell(request);
      shell = current;
      const endpoint = (chat: ChatCompletionRequest): Endpoint => ({
        path: '/v1/responses',
        request: chat,
        checksContextWindow: true,
        servedBy: () => true,
        capabilityGap: (model) => chatCapabilityGap(model, chat),
        relay(run) {
          if (request.stream !== true) return wholeResponse(run, current);
          events = new ChatToResponseEvents(current);
          return streamedResponse(run, events);
        },
        // Every attempt sends the chat form: that is what a guardrail rewrites.
        mapText: (map) => endpoint(mapChatText(chat, map)),
      });
      return endpoint(applySystemPrompt(responsesToChat(request), apiKey.routing.systemPrompt));
    })(exchange);
  };
}

type ResponseObject = ReturnType<ResponseShell['fromCompletion']>;

function wholeResponse(run: AttemptRun, shell: ResponseShell): Promise<void> {
  let completion: ChatCompletion;
  return relayWhole<ResponseObject>(run, {
    async call(attempt) {
      const result = await attempt.adapter.complete(attempt.call);
      completion = result.completion;
      return { status: result.status, body: shell.fromCompletion(completion, { promptTokens: 0, completionTokens: 0, cachedTokens: 0 }), usage: result.usage };
    },
    texts: (response) =>
      response.output.flatMap((item) =>
        item.type === 'message' ? [String((item.content as { text: string }[])[0]?.text ?? '')] : [String(item.arguments ?? '')],
      ),
    // The usage the event carries (reported, or estimated when the provider sent none).
    withUsage: (_response, tokens) => shell.fromCompletion(completion, tokens),
  });
}

function streamedResponse(run: AttemptRun, events: ChatToResponseEvents): Promise<void> {
  return relayEvents<StreamEvent>(run, {
    open: (attempt) => attempt.adapter.stream(attempt.call),
    frames(event, attempt) {
      if (event.type === 'usage') {
        attempt.meter.reportUsage(event.usage);
        return [];
      }
      attempt.meter.countChunk(event.chunk);
      if (attempt.output) for (const choice of event.chunk.choices) if (choice.delta?.content) attempt.output(choice.delta.content);
      return events.chunk(event.chunk);
    },
    closing: (attempt) => events.end(attempt.meter.tokens('ok').tokens, attempt.call.upstreamModel),
  });
}
