import { authenticate } from '../auth/authenticate.ts';
import type { DispatchDeps } from '../dispatch/dispatch-request.ts';
import { dispatchRequest } from '../dispatch/dispatch-request.ts';
import type { Endpoint } from '../dispatch/endpoint.ts';
import { snapshotNotLoaded } from '../errors/client-errors.ts';
import type { RouteHandler } from '../http/router.ts';
import { chargeRequest } from '../money/charge-request.ts';
import type { IdempotencyStore } from '../money/idempotency-store.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import { requestBounds } from '../money/plan-admission.ts';
import { withIdempotency } from '../money/with-idempotency.ts';
import { resolveModel } from '../routing/resolve-model.ts';
import { planRoute, type RoutePlan } from '../routing/route-plan.ts';
import { PROFILE_HEADER, selectProfile } from '../routing/routing-profiles.ts';
import type { CompiledApiKey } from '../snapshot/compiled-snapshot.ts';
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
    // Admission is per request. Its reservation must cover the dearest step a fallback could reach,
    // or a fallback to a pricier model could spend past a hard budget: it is made against that
    // step (its first deployment's limits and markup rules). Without a chain, that is the first
    // planned deployment. Every attempt's real cost is settled through the metered publisher.
    const admitted = dearestStep(route.steps, apiKey, endpoint);
    // A replayed Idempotency-Key answers from the store; otherwise rate limits and budgets are
    // reserved before the upstream call and settled with the real cost after.
    await withIdempotency(exchange, deps.idempotency, apiKey.team.id, (ex) =>
      chargeRequest(ex, deps.money, deps.usage, { apiKey, model: admitted.model, target: admitted.targets[0], budgets: snapshot.budgets, request: endpoint.request }, (usage) =>
        dispatchRequest(ex, { snapshot, apiKey, route, strategy: profile.strategy, endpoint }, { ...deps, usage }),
      ),
    );
  };
}

function dearestStep(steps: RoutePlan['steps'], apiKey: CompiledApiKey, endpoint: Endpoint): RoutePlan['steps'][number] {
  let dearest = steps[0];
  let most = -1;
  for (const step of steps) {
    const cost = requestBounds({ apiKey, model: step.model, target: step.targets[0], request: endpoint.request }).maxCostMicroUsd;
    if (cost > most) [dearest, most] = [step, cost];
  }
  return dearest;
}
