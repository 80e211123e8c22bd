import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UsageConsumerHealth } from '../../shared/bus/bus.ts';
import type { FleetRegistry } from '../fleet/fleet-registry.ts';
import type { ControlPlaneMetrics } from './control-plane-metrics.ts';
import type { DatabaseHealth } from './database-health.ts';

/**
 * `/metrics`, `/healthz` and `/readyz` of the control plane, beside GraphQL on the same port.
 * Returns false for any other path (the caller hands it to GraphQL).
 *
 * /readyz is 503 while the database is down: a load balancer then sends GraphQL to a control
 * plane that can answer. Serving completions does not depend on it.
 */
/** How long /readyz reports `usage_stream_reset` after the consumer group had to be re-created. */
export const STREAM_RESET_VISIBLE_MS = 5 * 60_000;

export function createOpsEndpoints(deps: {
  metrics: ControlPlaneMetrics;
  database: DatabaseHealth;
  fleet: FleetRegistry;
  busConnected: () => boolean;
  /** The usage consumer's health; absent or undefined (in-process bus): always healthy. */
  usageConsumer?: () => UsageConsumerHealth | undefined;
}) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/metrics') {
      const { contentType, body } = await deps.metrics.render();
      res.writeHead(200, { 'content-type': contentType }).end(body);
      return true;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return true;
    }
    if (path === '/readyz') {
      const databaseUp = await deps.database.probe();
      const fleet = deps.fleet.view();
      const consumer = deps.usageConsumer?.();
      const degraded = [
        ...(databaseUp ? [] : ['database_down']),
        ...(deps.busConnected() ? [] : ['redis_down']),
        // Usage is not being stored (Redis unreachable, the group missing until re-created...).
        ...(consumer?.failing ? ['usage_consumer_failing'] : []),
        // Redis came back empty: events it held were lost; visible for a while, alerted once.
        ...(consumer?.groupRecreatedAt && Date.now() - consumer.groupRecreatedAt < STREAM_RESET_VISIBLE_MS ? ['usage_stream_reset'] : []),
      ];
      res.writeHead(databaseUp ? 200 : 503, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: databaseUp ? 'ready' : 'not_ready',
          degraded,
          fleet: { targetSnapshotVersion: fleet.targetSnapshotVersion, live: fleet.live, converged: fleet.converged },
        }),
      );
      return true;
    }
    return false;
  };
}
