import { keyAllowsModel } from '../auth/authenticate.ts';
import { modelNotFound } from '../errors/client-errors.ts';
import type { CompiledApiKey, CompiledModel, CompiledSnapshot, CompiledTarget } from '../snapshot/compiled-snapshot.ts';

/** A model the key may use, with the deployments its team may reach. */
export interface ResolvedModel {
  model: CompiledModel;
  /** Non-empty; in snapshot order. */
  targets: CompiledTarget[];
}

/**
 * The deployments a team may be routed to: shared providers, plus its own bring-your-own-key
 * providers; never another team's.
 */
export function targetsForTeam(model: CompiledModel, teamId: string): CompiledTarget[] {
  return model.targets.filter((target) => target.provider.teamId === null || target.provider.teamId === teamId);
}

/** Looks a requested name or alias up; 404 when unknown, not allowed, or unreachable for the team. */
export function resolveModel(snapshot: CompiledSnapshot, apiKey: CompiledApiKey, requested: string): ResolvedModel {
  const model = snapshot.modelsByName.get(requested);
  if (!model || !keyAllowsModel(apiKey, model)) throw modelNotFound(requested);
  const targets = targetsForTeam(model, apiKey.team.id);
  if (targets.length === 0) throw modelNotFound(requested);
  return { model, targets };
}

/** Models the key may use and its team can reach, for /v1/models. */
export function listUsableModels(snapshot: CompiledSnapshot, apiKey: CompiledApiKey): CompiledModel[] {
  return snapshot.models.filter((model) => keyAllowsModel(apiKey, model) && targetsForTeam(model, apiKey.team.id).length > 0);
}
