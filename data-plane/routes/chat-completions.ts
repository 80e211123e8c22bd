import { authenticate } from '../auth/authenticate.ts';
import { snapshotNotLoaded } from '../errors/client-errors.ts';
import type { DispatchDeps } from '../dispatch/dispatch-chat.ts';
import { dispatchChat } from '../dispatch/dispatch-chat.ts';
import type { RouteHandler } from '../http/router.ts';
import { applySystemPrompt } from '../policy/team-policy.ts';
import { checkCapabilities } from '../routing/check-capabilities.ts';
import { resolveModel } from '../routing/resolve-model.ts';
import { planRoute } from '../routing/route-plan.ts';
import { PROFILE_HEADER, selectProfile } from '../routing/routing-profiles.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';
import { parseChatRequest } from './parse-chat-request.ts';

/** `POST /v1/chat/completions`: parse -> auth -> resolve -> plan -> dispatch; errors render at the edge. */
export function chatCompletionsRoute(deps: DispatchDeps & { snapshots: SnapshotStore }): RouteHandler {
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
    await dispatchChat(exchange, { snapshot, apiKey, route: planRoute(apiKey, resolved, request), strategy: profile.strategy, request }, deps);
  };
}
