import { authenticate } from '../../auth/authenticate.ts';
import { snapshotNotLoaded } from '../../errors/client-errors.ts';
import { hookOf } from '../../http/cancellation.ts';
import type { RouteHandler } from '../../http/router.ts';
import { applySystemPrompt } from '../../policy/team-policy.ts';
import { readBodyText } from '../../providers/http-call.ts';
import type { ProviderAdapters } from '../../providers/registry.ts';
import { upstreamInvalidResponse } from '../../providers/upstream-errors.ts';
import { parseRequestBody } from '../../routes/parse-json-body.ts';
import { resolveModel } from '../../routing/resolve-model.ts';
import type { RoutingRuntime } from '../../routing/routing-runtime.ts';
import type { SnapshotStore } from '../../snapshot/snapshot-store.ts';
import { estimatePromptTokens, estimateTextTokens } from '../../usage/estimate-tokens.ts';
import { refuseUnknownParameters, withoutUnlisted } from '../../validation/extra-parameters.ts';
import { withSystemPrompt } from './messages-route.ts';
import { countTokensValidator } from './messages-validator.ts';
import { messagesToChat } from './to-chat.ts';

/**
 * `POST /v1/messages/count_tokens`. Free at Anthropic and here: no admission, no usage event.
 * When the model's first deployment the team can reach is Anthropic's, Anthropic counts (the
 * request passed through, as for /v1/messages); otherwise the gateway's estimate, the same one
 * admission reserves against budgets (messages plus tool definitions).
 */
export function countTokensRoute(deps: { snapshots: SnapshotStore; adapters: ProviderAdapters; routing: RoutingRuntime }): RouteHandler {
  return async (exchange) => {
    const snapshot = deps.snapshots.current();
    if (!snapshot) throw snapshotNotLoaded();
    exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
    const apiKey = authenticate(snapshot, exchange.headers, Date.now());
    const { request, extraParameters } = parseRequestBody(exchange.body, countTokensValidator);
    const { targets } = resolveModel(snapshot, apiKey, request.model);
    refuseUnknownParameters(extraParameters, targets);
    const target = targets[0];
    const adapter = deps.adapters[target.provider.kind];
    if (target.provider.kind === 'anthropic' && adapter.native) {
      const signal = AbortSignal.any([
        exchange.signal,
        AbortSignal.timeout(target.deployment.timeouts.totalMs ?? deps.routing.policyFor(snapshot).timeouts.totalMs),
      ]);
      const headers: Record<string, string> = {};
      for (const name of ['anthropic-version', 'anthropic-beta']) if (exchange.headers[name]) headers[name] = exchange.headers[name];
      const call = { upstreamModel: target.deployment.upstreamModel, provider: target.provider, cancellation: hookOf(signal), requestId: exchange.requestId };
      // Anthropic refuses a count with the generation-only fields a client may leave in.
      const { max_tokens: _maxTokens, stream: _stream, ...counted } = withSystemPrompt(request, apiKey) as Record<string, unknown>;
      const response = await adapter.native({
        ...call,
        path: '/v1/messages/count_tokens',
        body: withoutUnlisted({ ...counted, model: target.deployment.upstreamModel }, countTokensValidator.known, target.deployment.extraParameters),
        headers,
      });
      const text = await readBodyText(response, call);
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        throw upstreamInvalidResponse(target.provider.name, response.statusCode, 'the body is not JSON');
      }
      exchange.sendJson(200, answer);
      return;
    }
    const chat = applySystemPrompt(messagesToChat(request).chat, apiKey.routing.systemPrompt);
    const tools = request.tools ? estimateTextTokens(JSON.stringify(request.tools)) : 0;
    exchange.sendJson(200, { input_tokens: estimatePromptTokens(chat.messages) + tools });
  };
}
