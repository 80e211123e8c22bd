import { authenticate } from '../auth/authenticate.ts';
import type { DispatchDeps } from '../dispatch/dispatch-request.ts';
import { type DispatchPlan, dispatchRequest } from '../dispatch/dispatch-request.ts';
import type { Endpoint } from '../dispatch/endpoint.ts';
import { snapshotNotLoaded } from '../errors/client-errors.ts';
import type { Exchange } from '../http/exchange.ts';
import type { RouteHandler } from '../http/router.ts';
import { chargeRequest } from '../money/charge-request.ts';
import type { IdempotencyStore } from '../money/idempotency-store.ts';
import { QuotaExhaustedError } from '../money/money-errors.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import { requestBounds } from '../money/plan-admission.ts';
import { withIdempotency } from '../money/with-idempotency.ts';
import { orderTargets } from '../routing/order-targets.ts';
import { resolveModel } from '../routing/resolve-model.ts';
import { ownProvidersOnly, reachesOnlyOwnProviders, planRoute, type RoutePlan } from '../routing/route-plan.ts';
import { PROFILE_HEADER, selectProfile } from '../routing/routing-profiles.ts';
import type { CompiledApiKey, CompiledModel } from '../snapshot/compiled-snapshot.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';

export type RoutedDeps = DispatchDeps & { snapshots: SnapshotStore; money: MoneyGuard; idempotency: IdempotencyStore };

/**
 * The spine every model endpoint shares: snapshot read once -> auth -> parse -> resolve -> plan
 * -> money -> the attempt loop; errors render at the edge. `parse` turns the body into the
 * endpoint (the key is known by then: team policy such as the system prompt applies).
 */
export function routedRoute(deps: RoutedDeps, parse: (body: Buffer, apiKey: CompiledApiKey) => Endpoint): RouteHandler {
  return async (exchange) => {
    // Read once: this request runs on this snapshot to its end, whatever is swapped in meanwhile.
    const snapshot = deps.snapshots.current();
    if (!snapshot) throw snapshotNotLoaded();
    exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
    const apiKey = authenticate(snapshot, exchange.headers, Date.now());
    const endpoint = parse(exchange.body, apiKey);
    const resolved = resolveModel(snapshot, apiKey, endpoint.request.model);
    const profile = selectProfile(snapshot, apiKey, exchange.headers[PROFILE_HEADER]);
    const route = planRoute(apiKey, resolved, endpoint, deps.adapters);
    const plan = { snapshot, apiKey, route, strategy: profile.strategy, endpoint };
    // A replayed Idempotency-Key answers from the store; otherwise rate limits and budgets are
    // reserved before the upstream call and settled with the real cost after.
    await withIdempotency(exchange, deps.idempotency, apiKey.team.id, (ex) =>
      chargeAndDispatch(ex, deps, plan, (refusal) => {
        // A prepaid team out of credits may still use its own providers, which draw none (their
        // plan is all bring-your-own-key, so its admission checks no credits).
        const own = refusal instanceof QuotaExhaustedError && refusal.draws === 'credits' ? ownProvidersOnly(route) : null;
        return own ? () => chargeAndDispatch(ex, deps, { ...plan, route: own }) : null;
      }),
    );
  };
}

/**
 * Admission, then the attempt loop. Admission is per request and reserves the plan's worst case:
 * the dearest model a fallback could reach (else a fallback to a pricier model could spend past a
 * hard budget), with markup and prepaid credits unless every reachable deployment is the team's
 * own. The deployment the first attempt goes to has its own limits taken in the same script; the
 * loop's hooks take any other deployment's as its attempt starts. Every attempt's real cost is
 * settled through the metered publisher.
 */
function chargeAndDispatch(
  exchange: Exchange,
  deps: RoutedDeps,
  plan: Omit<DispatchPlan, 'firstOrder' | 'preadmitted'>,
  otherwise?: Parameters<typeof chargeRequest>[5],
): Promise<void> {
  const { apiKey, route, endpoint } = plan;
  // The first model's deployments in strategy order, once: its head is admitted with the request,
  // and the loop walks the same order.
  const firstOrder = orderTargets(route.steps[0].targets, plan.strategy, { stats: deps.routing.stats, streamed: endpoint.request.stream === true, random: deps.routing.random });
  const byok = reachesOnlyOwnProviders(route);
  const admission = { apiKey, model: dearestModel(route.steps, apiKey, endpoint, byok), deployment: firstOrder[0], byok, budgets: plan.snapshot.budgets, request: endpoint.request };
  return chargeRequest(exchange, deps.money, deps.usage, admission, (usage, preadmitted) =>
    dispatchRequest(exchange, { ...plan, firstOrder, preadmitted }, { ...deps, usage }),
    otherwise,
  );
}

function dearestModel(steps: RoutePlan['steps'], apiKey: CompiledApiKey, endpoint: Endpoint, byok: boolean): CompiledModel {
  let dearest = steps[0].model;
  let most = -1;
  for (const { model } of steps) {
    const cost = requestBounds({ apiKey, model, byok, request: endpoint.request }).maxCostMicroUsd;
    if (cost > most) [dearest, most] = [model, cost];
  }
  return dearest;
}
