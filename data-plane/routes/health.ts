import type { DegradedMode } from '../../shared/events/heartbeat.ts';
import { routeNotFound } from '../errors/client-errors.ts';
import type { RouteHandler } from '../http/router.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';
import type { UsageSpoolStatus } from '../usage/usage-publisher.ts';

/** `GET /healthz`: the process is up and its event loop answers. Nothing else is checked. */
export const healthzRoute: RouteHandler = (exchange) => exchange.sendJson(200, { status: 'ok' });

export interface ReadyzDeps {
  snapshots: SnapshotStore;
  /** This process's id in the fleet view. */
  instanceId?: string;
  draining?: () => boolean;
  degraded?: () => readonly DegradedMode[];
  inFlight?: () => number;
  money?: Pick<MoneyGuard, 'status'>;
  usage?: { spool(): UsageSpoolStatus };
}

/**
 * `GET /readyz`: 200 once a snapshot is loaded (the plane can serve), 503 before it and from the
 * moment a drain starts. A degraded mode does not make the plane unready (it serves from its
 * snapshot, limits run on the local share); it is reported in the detail.
 */
export function readyzRoute(deps: ReadyzDeps): RouteHandler {
  return (exchange) => {
    const status = deps.snapshots.status();
    const draining = deps.draining?.() ?? false;
    const ready = status.version !== null && !draining;
    exchange.sendJson(ready ? 200 : 503, {
      status: draining ? 'draining' : ready ? 'ready' : 'not_ready',
      instanceId: deps.instanceId ?? null,
      snapshot: status.version !== null ? { version: status.version, hash: status.hash, loadedAt: status.loadedAt, source: status.source } : null,
      lastRefused: status.lastRefused,
      // Refused stored snapshots by kind since start; `signature` counts forged or unsigned ones.
      snapshotRefused: status.refused,
      snapshotLoads: status.loads,
      /** The version the control plane published last; behind it too long is `snapshot_stale`. */
      snapshotTarget: status.targetVersion,
      degraded: deps.degraded?.() ?? [],
      inFlight: deps.inFlight?.() ?? 0,
      money: deps.money?.status() ?? null,
      usageSpool: deps.usage?.spool() ?? null,
    });
  };
}

/** Anything unrouted: an OpenAI-shaped 404, like every other error. */
export const notFoundRoute: RouteHandler = (exchange) => {
  throw routeNotFound(exchange.method, exchange.path);
};
