import { authenticate } from '../auth/authenticate.ts';
import { beginResponseCache, type ResponseCacheDeps } from '../cache/response-cache.ts';
import { type DispatchDeps, runAttempts } from '../dispatch/attempt-loop.ts';
import { snapshotNotLoaded } from '../errors/client-errors.ts';
import { guardPrompt } from '../guardrails/guard-prompt.ts';
import type { WebhookCaller } from '../guardrails/webhook-guard.ts';
import type { Exchange } from '../http/exchange.ts';
import type { RouteHandler } from '../http/router.ts';
import { beginIdempotency } from '../money/idempotency.ts';
import type { IdempotencyStore } from '../money/idempotency-store.ts';
import { QuotaExhaustedError, RateLimitedError } from '../money/money-errors.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import type { RequestMoney } from '../money/request-money.ts';
import type { Endpoint } from '../request/endpoint.ts';
import { checkEndUser, requestLabels, TAGS_HEADER } from '../request/request-tags.ts';
import type { PlannedRequest, RoutedRequest } from '../request/routed-request.ts';
import { resolveModel } from '../routing/resolve-model.ts';
import { ownProvidersOnly, planRoute, withAttemptOrder } from '../routing/route-plan.ts';
import { PROFILE_HEADER, selectProfile } from '../routing/routing-profiles.ts';
import type { CompiledApiKey } from '../snapshot/compiled-snapshot.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';
import { refuseUnknownParameters } from '../validation/extra-parameters.ts';

export type RoutedDeps = DispatchDeps & {
  snapshots: SnapshotStore;
  money: MoneyGuard;
  idempotency: IdempotencyStore;
  cache: ResponseCacheDeps;
  webhooks: WebhookCaller;
};

/**
 * The pipeline every model endpoint shares, top to bottom: plan (snapshot read once -> auth ->
 * parse -> resolve -> profile -> route -> attempt order) -> pre-call guardrails -> idempotency -> admission (money) ->
 * response cache (a hit ends here) -> the attempt loop, every attempt through the request's money
 * policy -> close. Errors render at
 * the edge. `parse` turns the body into the endpoint (the key is known by then: team policy such
 * as the system prompt applies).
 */
export function routedRoute(deps: RoutedDeps, parse: (body: Buffer, apiKey: CompiledApiKey) => Endpoint): RouteHandler {
  // Each optional stage answers null, synchronously, when it has nothing to do for the request
  // (no guardrails, no Idempotency-Key, no cache policy): no promise, no wrapper.
  return async (exchange) => {
    const asPlanned = planRequest(exchange, deps, parse);
    const guarded = guardPrompt(exchange, asPlanned, deps);
    const planned = guarded ? await guarded : asPlanned;
    // A replayed Idempotency-Key answers from the store; a new one records the response.
    const idempotent = beginIdempotency(exchange, deps.idempotency, planned.apiKey.team.id);
    const run = idempotent && (await idempotent);
    if (run === 'replayed') return;
    const answer = run ? run.exchange : exchange;
    try {
      const request = await admit(answer, deps, planned);
      try {
        const caching = beginResponseCache(answer, request, deps.cache);
        const cached = caching && (await caching);
        if (cached === null) await runAttempts(answer, request, deps);
        else if (cached !== 'hit') {
          try {
            await runAttempts(cached.exchange, { ...request, money: cached.money }, deps);
          } finally {
            await cached.finish();
          }
        }
      } finally {
        request.money.close();
      }
    } finally {
      if (run) await run.finish();
    }
  };
}

/** Everything decided from the snapshot read at entry: this request runs on it to its end. */
function planRequest(exchange: Exchange, deps: RoutedDeps, parse: (body: Buffer, apiKey: CompiledApiKey) => Endpoint): PlannedRequest {
  const snapshot = deps.snapshots.current();
  if (!snapshot) throw snapshotNotLoaded();
  exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
  const apiKey = authenticate(snapshot, exchange.headers, Date.now());
  const endpoint = parse(exchange.body, apiKey);
  const labels = requestLabels(exchange.headers[TAGS_HEADER], endpoint.request.metadata);
  checkEndUser(endpoint.request.user);
  const resolved = resolveModel(snapshot, apiKey, endpoint.request.model);
  refuseUnknownParameters(endpoint.extraParameters, resolved.targets);
  const { strategy } = selectProfile(snapshot, apiKey, exchange.headers[PROFILE_HEADER]);
  const route = planRoute(apiKey, resolved, endpoint, deps.adapters);
  return withAttemptOrder({ snapshot, apiKey, endpoint, labels, strategy, route, answerGuard: undefined }, deps.routing);
}

/**
 * Rate limits, budgets and credits are reserved before any upstream call (the 429 carries its
 * x-ratelimit-* headers). A prepaid team out of credits may still use its own providers, which
 * draw none: its plan is cut down to them (their admission checks no credits) and admitted again.
 */
async function admit(exchange: Exchange, deps: RoutedDeps, planned: PlannedRequest): Promise<RoutedRequest> {
  let request = planned;
  let money: RequestMoney;
  try {
    try {
      money = await deps.money.forRequest(request);
    } catch (refusal) {
      const own = refusal instanceof QuotaExhaustedError && refusal.draws === 'credits' ? ownProvidersOnly(planned.route) : null;
      if (!own) throw refusal;
      request = withAttemptOrder({ ...planned, route: own }, deps.routing);
      money = await deps.money.forRequest(request);
    }
  } catch (refusal) {
    if (refusal instanceof RateLimitedError) for (const [name, value] of refusal.headers) exchange.setHeader(name, value);
    throw refusal;
  }
  for (const [name, value] of money.headers) exchange.setHeader(name, value);
  // Field by field: a spread plus a new property is V8's slow path on Node 20 (see withAttemptOrder).
  const { snapshot, apiKey, endpoint, labels, strategy, route, firstTargets, answerGuard } = request;
  return { snapshot, apiKey, endpoint, labels, strategy, route, firstTargets, answerGuard, money };
}
