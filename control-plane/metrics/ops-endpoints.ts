import type { IncomingMessage, ServerResponse } from 'node:http';
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
export function createOpsEndpoints(deps: { metrics: ControlPlaneMetrics; database: DatabaseHealth; fleet: FleetRegistry; busConnected: () => boolean }) {
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
      const degraded = [...(databaseUp ? [] : ['database_down']), ...(deps.busConnected() ? [] : ['redis_down'])];
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
