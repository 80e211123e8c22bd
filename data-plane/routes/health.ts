import { routeNotFound } from '../errors/client-errors.ts';
import type { RouteHandler } from '../http/router.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import type { UsageSpoolStatus } from '../usage/usage-publisher.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';

/** `GET /healthz`: the process is up and its event loop answers. Nothing else is checked. */
export const healthzRoute: RouteHandler = (exchange) => exchange.sendJson(200, { status: 'ok' });

/**
 * `GET /readyz`: 200 once a snapshot is loaded (the plane can serve), 503 before. A Redis outage
 * keeps it ready (limits run on the local share) and shows in `money`.
 */
export function readyzRoute(deps: {
  snapshots: SnapshotStore;
  money?: Pick<MoneyGuard, 'status'>;
  usage?: { spool(): UsageSpoolStatus };
}): RouteHandler {
  return (exchange) => {
    const status = deps.snapshots.status();
    const ready = status.version !== null;
    exchange.sendJson(ready ? 200 : 503, {
      status: ready ? 'ready' : 'not_ready',
      snapshot: ready ? { version: status.version, hash: status.hash, loadedAt: status.loadedAt } : null,
      lastRefused: status.lastRefused,
      money: deps.money?.status() ?? null,
      usageSpool: deps.usage?.spool() ?? null,
    });
  };
}

/** Anything unrouted: an OpenAI-shaped 404, like every other error. */
export const notFoundRoute: RouteHandler = (exchange) => {
  throw routeNotFound(exchange.method, exchange.path);
};
