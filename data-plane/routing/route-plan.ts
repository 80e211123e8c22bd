import type { FallbackTrigger } from '../../shared/snapshot/schema.ts';
import { keyAllowsModel } from '../auth/authenticate.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import type { ProviderAdapters } from '../providers/registry.ts';
import type { Endpoint } from '../request/endpoint.ts';
import type { PlannedRequest, RoutePlan, RouteStep } from '../request/routed-request.ts';
import type { CompiledApiKey, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { orderTargets } from './order-targets.ts';
import { type ResolvedModel, targetsForTeam } from './resolve-model.ts';
import type { RoutingRuntime } from './routing-runtime.ts';

const NO_TRIGGERS: ReadonlySet<FallbackTrigger> = new Set();

/**
 * A loop over the chain precomputed at compile time (key > team > plan > model): chain models
 * the key may not use, its team cannot reach, or that cannot serve this request (streaming,
 * tools, embeddings) are skipped; a model appears once. Within every step only deployments whose
 * provider kind serves the endpoint remain (an Anthropic deployment never gets an embeddings
 * attempt). Throws the requested model's own gap as a 400, before anything is reserved or sent.
 */
export function planRoute(apiKey: CompiledApiKey, resolved: ResolvedModel, endpoint: Endpoint, adapters: ProviderAdapters): RoutePlan {
  const gap = endpoint.capabilityGap(resolved.model);
  if (gap) throw gap;
  const serving = (targets: readonly CompiledTarget[]) => targets.filter((target) => endpoint.servedBy(adapters[target.provider.kind]));
  const first = serving(resolved.targets);
  if (first.length === 0) throw endpointNotSupported(endpoint.path, resolved.model.model.name, resolved.targets[0].provider.kind);
  const steps: RouteStep[] = [{ model: resolved.model, targets: first }];
  const chain = apiKey.routing.fallbackChain ?? resolved.model.fallbackChain;
  if (!chain) return { steps, fallbackTriggers: NO_TRIGGERS };
  for (const model of chain.models) {
    if (steps.some((step) => step.model === model)) continue;
    if (!keyAllowsModel(apiKey, model) || endpoint.capabilityGap(model)) continue;
    const targets = serving(targetsForTeam(model, apiKey.team.id));
    if (targets.length > 0) steps.push({ model, targets });
  }
  return { steps, fallbackTriggers: chain.triggers };
}

/**
 * The plan cut down to the team's own (bring-your-own-key) deployments, or null when it has none:
 * what a prepaid team whose credits are spent can still be served by, since its own providers
 * draw no credits.
 */
export function ownProvidersOnly(plan: RoutePlan): RoutePlan | null {
  const steps = plan.steps
    .map((step) => {
      // A drained (weight 0) deployment stays drained: only "every weight 0" means no preference.
      const allDrained = step.targets.every((target) => target.deployment.weight === 0);
      const own = step.targets.filter((target) => target.provider.teamId !== null && (allDrained || target.deployment.weight > 0));
      return { model: step.model, targets: own };
    })
    .filter((step) => step.targets.length > 0);
  return steps.length > 0 ? { steps, fallbackTriggers: plan.fallbackTriggers } : null;
}

/** The request with its attempt plan's head: the first model's deployments in strategy order, once. */
export function withAttemptOrder(request: Omit<PlannedRequest, 'firstTargets'>, routing: RoutingRuntime): PlannedRequest {
  const streamed = request.endpoint.request.stream === true;
  const [first] = request.route.steps;
  const firstTargets = orderTargets(first.targets, request.strategy, {
    stats: routing.stats,
    streamed,
    random: routing.random,
    model: first.model.model,
    markupBasisPoints: request.apiKey.plan?.markupBasisPoints,
  });
  // Field by field, not `{ ...request, firstTargets }`: on Node 20 a spread followed by a property
  // the source lacks takes V8's slow path (about 600 ns against 13 in a micro-benchmark).
  const { snapshot, apiKey, endpoint, labels, strategy, route, answerGuard } = request;
  return { snapshot, apiKey, endpoint, labels, strategy, route, firstTargets, answerGuard };
}

/** The 400 for an endpoint no deployment of the requested model can serve (its provider kind lacks it). */
export function endpointNotSupported(path: string, model: string, kind: string) {
  return invalidRequest(`The model \`${model}\` is served by a ${kind} provider, which does not support ${path}.`, 'model', 'unsupported_endpoint');
}
