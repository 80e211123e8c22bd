import { authenticate } from '../auth/authenticate.ts';
import { snapshotNotLoaded } from '../errors/client-errors.ts';
import type { DispatchDeps } from '../dispatch/dispatch-chat.ts';
import { dispatchChat } from '../dispatch/dispatch-chat.ts';
import type { RouteHandler } from '../http/router.ts';
import { chargeRequest } from '../money/charge-request.ts';
import type { IdempotencyStore } from '../money/idempotency-store.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import { withIdempotency } from '../money/with-idempotency.ts';
import { applySystemPrompt } from '../policy/team-policy.ts';
import { checkCapabilities } from '../routing/check-capabilities.ts';
import { resolveModel } from '../routing/resolve-model.ts';
import { planRoute } from '../routing/route-plan.ts';
import { PROFILE_HEADER, selectProfile } from '../routing/routing-profiles.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';
import { parseChatRequest } from './parse-chat-request.ts';

/** `POST /v1/chat/completions`: parse -> auth -> resolve -> plan -> limit -> dispatch; errors render at the edge. */
export function chatCompletionsRoute(deps: DispatchDeps & { snapshots: SnapshotStore; money: MoneyGuard; idempotency: IdempotencyStore }): RouteHandler {
  return async (exchange) => {
    // Read once: this request runs on this snapshot to its end, whatever is swapped in meanwhile.
    const snapshot = deps.snapshots.current();
    if (!snapshot) throw snapshotNotLoaded();
    exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
    const apiKey = authenticate(snapshot, exchange.headers, Date.now());
    const request = applySystemPrompt(parseChatRequest(exchange.body), apiKey.routing.systemPrompt);
    const resolved = resolveModel(snapshot, apiKey, request.model);
    checkCapabilities(resolved.model, request);
    const profile = selectProfile(snapshot, apiKey, exchange.headers[PROFILE_HEADER]);
    const route = planRoute(apiKey, resolved, request);
    // Admission is per request, against the first planned deployment (its limits, its provider's
    // markup and credit rules); every attempt's real cost is settled through the metered publisher.
    const firstTarget = route.steps[0].targets[0];
    // A replayed Idempotency-Key answers from the store; otherwise rate limits and budgets are
    // reserved before the upstream call and settled with the real cost after.
    await withIdempotency(exchange, deps.idempotency, apiKey.team.id, (ex) =>
      chargeRequest(ex, deps.money, deps.usage, { apiKey, model: resolved.model, target: firstTarget, budgets: snapshot.budgets, request }, (usage) =>
        dispatchChat(ex, { snapshot, apiKey, route, strategy: profile.strategy, request }, { ...deps, usage }),
      ),
    );
  };
}
