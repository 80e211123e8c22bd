import type { ModelList } from '../../shared/openai/models.ts';
import { authenticate } from '../auth/authenticate.ts';
import { snapshotNotLoaded } from '../errors/client-errors.ts';
import type { RouteHandler } from '../http/router.ts';
import { listUsableModels } from '../routing/resolve-model.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';

/**
 * `GET /v1/models`: the models this key may use, by public name (aliases are accepted on
 * requests but not listed, so each model appears once).
 */
export function modelsRoute(deps: { snapshots: SnapshotStore }): RouteHandler {
  return (exchange) => {
    const snapshot = deps.snapshots.current();
    if (!snapshot) throw snapshotNotLoaded();
    exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
    const apiKey = authenticate(snapshot, exchange.headers, Date.now());
    const list: ModelList = {
      object: 'list',
      data: listUsableModels(snapshot, apiKey).map(({ model }) => ({
        id: model.name,
        object: 'model',
        created: snapshot.createdAtSeconds,
        owned_by: 'tollgate',
      })),
    };
    exchange.sendJson(200, list);
  };
}
