import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { FallbackTrigger } from '../../shared/snapshot/schema.ts';
import { keyAllowsModel } from '../auth/authenticate.ts';
import type { CompiledApiKey, CompiledModel, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { supportsRequest } from './check-capabilities.ts';
import { type ResolvedModel, targetsForTeam } from './resolve-model.ts';

/** One model of the plan with the deployments the key's team may reach. */
export interface RouteStep {
  model: CompiledModel;
  targets: readonly CompiledTarget[];
}

/**
 * The models a request may be served by, in order: the requested one, then its fallback chain.
 * Deployments within a step are ordered per attempt by the routing strategy.
 */
export interface RoutePlan {
  steps: readonly RouteStep[];
  /** Failures that move the plan to the next step; empty without a chain. */
  fallbackTriggers: ReadonlySet<FallbackTrigger>;
}

const NO_TRIGGERS: ReadonlySet<FallbackTrigger> = new Set();

/**
 * A loop over the chain precomputed at compile time (key > team > plan > model): chain models
 * the key may not use, its team cannot reach, or that cannot serve this request (streaming,
 * tools) are skipped; a model appears once.
 */
export function planRoute(apiKey: CompiledApiKey, resolved: ResolvedModel, request: ChatCompletionRequest): RoutePlan {
  const steps: RouteStep[] = [{ model: resolved.model, targets: resolved.targets }];
  const chain = apiKey.routing.fallbackChain ?? resolved.model.fallbackChain;
  if (!chain) return { steps, fallbackTriggers: NO_TRIGGERS };
  for (const model of chain.models) {
    if (steps.some((step) => step.model === model)) continue;
    if (!keyAllowsModel(apiKey, model) || !supportsRequest(model, request)) continue;
    const targets = targetsForTeam(model, apiKey.team.id);
    if (targets.length > 0) steps.push({ model, targets });
  }
  return { steps, fallbackTriggers: chain.triggers };
}
