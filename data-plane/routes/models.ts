import type { ModelList, ModelListEntry } from '../../shared/openai/models.ts';
import { authenticate } from '../auth/authenticate.ts';
import { modelNotFound, snapshotNotLoaded } from '../errors/client-errors.ts';
import type { Exchange } from '../http/exchange.ts';
import type { RouteHandler } from '../http/router.ts';
import { ANTHROPIC_ERROR_FORMAT } from '../ingress/anthropic/anthropic-errors.ts';
import { listUsableModels } from '../routing/resolve-model.ts';
import type { CompiledModel, CompiledSnapshot } from '../snapshot/compiled-snapshot.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';

/**
 * `GET /v1/models`: the models this key may use, by public name (aliases are accepted on
 * requests but not listed, so each model appears once). A client that sends `anthropic-version`
 * (Claude Code, Anthropic's SDKs) gets Anthropic's list shape and errors instead of OpenAI's.
 */
export function modelsRoute(deps: { snapshots: SnapshotStore }): RouteHandler {
  return (exchange) => {
    const { snapshot, models, anthropic } = usableModels(exchange, deps.snapshots);
    if (anthropic) {
      const data = models.map((model) => anthropicModel(snapshot, model));
      exchange.sendJson(200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
      return;
    }
    const list: ModelList = { object: 'list', data: models.map((model) => openAIModel(snapshot, model)) };
    exchange.sendJson(200, list);
  };
}

/** `GET /v1/models/{model}`: one usable model (by name or alias), or 404 `model_not_found`. */
export function modelRoute(deps: { snapshots: SnapshotStore }): RouteHandler {
  return (exchange) => {
    const { snapshot, models, anthropic } = usableModels(exchange, deps.snapshots);
    const requested = decodedSegment(exchange.path.slice('/v1/models/'.length));
    const model = models.find((candidate) => candidate.model.name === requested || candidate.model.aliases.includes(requested));
    if (!model) throw modelNotFound(requested);
    exchange.sendJson(200, anthropic ? anthropicModel(snapshot, model) : openAIModel(snapshot, model));
  };
}

/** A percent-encoded path segment; a malformed encoding names no model, so it stays as it came. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function usableModels(exchange: Exchange, snapshots: SnapshotStore) {
  const anthropic = exchange.headers['anthropic-version'] !== undefined;
  if (anthropic) exchange.setErrorFormat(ANTHROPIC_ERROR_FORMAT);
  const snapshot = snapshots.current();
  if (!snapshot) throw snapshotNotLoaded();
  exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
  const apiKey = authenticate(snapshot, exchange.headers, Date.now());
  return { snapshot, models: listUsableModels(snapshot, apiKey), anthropic };
}

function openAIModel(snapshot: CompiledSnapshot, model: CompiledModel): ModelListEntry {
  return { id: model.model.name, object: 'model', created: snapshot.createdAtSeconds, owned_by: 'tollgate' };
}

/** Anthropic's model object (`GET /v1/models` with `anthropic-version`). */
function anthropicModel(snapshot: CompiledSnapshot, model: CompiledModel) {
  return { type: 'model', id: model.model.name, display_name: model.model.name, created_at: new Date(snapshot.createdAtSeconds * 1000).toISOString() };
}
