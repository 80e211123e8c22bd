import { authenticate } from '../auth/authenticate.ts';
import { snapshotNotLoaded } from '../errors/client-errors.ts';
import type { DispatchDeps } from '../dispatch/dispatch-chat.ts';
import { dispatchChat } from '../dispatch/dispatch-chat.ts';
import type { RouteHandler } from '../http/router.ts';
import { chargeRequest } from '../money/charge-request.ts';
import type { IdempotencyStore } from '../money/idempotency-store.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import { withIdempotency } from '../money/with-idempotency.ts';
import { applyTeamPolicy } from '../policy/team-policy.ts';
import { checkCapabilities } from '../routing/check-capabilities.ts';
import { chooseTarget, resolveModel } from '../routing/resolve-model.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';
import { parseChatRequest } from './parse-chat-request.ts';

/** `POST /v1/chat/completions`: parse -> auth -> resolve -> limit -> dispatch; errors render at the edge. */
export function chatCompletionsRoute(deps: DispatchDeps & { snapshots: SnapshotStore; money: MoneyGuard; idempotency: IdempotencyStore }): RouteHandler {
  return async (exchange) => {
    // Read once: this request runs on this snapshot to its end, whatever is swapped in meanwhile.
    const snapshot = deps.snapshots.current();
    if (!snapshot) throw snapshotNotLoaded();
    exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
    const apiKey = authenticate(snapshot, exchange.headers, Date.now());
    const request = parseChatRequest(exchange.body);
    const resolved = resolveModel(snapshot, apiKey, request.model);
    checkCapabilities(resolved.model, request);
    const target = chooseTarget(resolved);
    exchange.setHeader('x-tollgate-model', resolved.model.model.name);
    exchange.setHeader('x-tollgate-provider', target.provider.name);
    const policed = applyTeamPolicy(request, apiKey.team);
    // A replayed Idempotency-Key answers from the store; otherwise rate limits and budgets are
    // reserved before the upstream call and settled with the real cost after.
    await withIdempotency(exchange, deps.idempotency, apiKey.team.id, (ex) =>
      chargeRequest(ex, deps.money, deps.usage, { apiKey, model: resolved.model, target, budgets: snapshot.budgets, request: policed }, (usage) =>
        dispatchChat(ex, { snapshot, apiKey, model: resolved.model, target, request: policed }, { ...deps, usage }),
      ),
    );
  };
}
