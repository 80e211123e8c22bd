import type { FallbackTrigger, RoutingStrategy } from '../../shared/snapshot/schema.ts';
import type { AnswerGuard } from '../guardrails/answer-guard.ts';
import type { CompiledApiKey, CompiledModel, CompiledSnapshot, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import type { AttemptPolicy } from './attempt.ts';
import type { Endpoint } from './endpoint.ts';
import type { RequestLabels } from './request-tags.ts';

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

/** A request once planned: everything decided from the snapshot it read at entry, before money. */
export interface PlannedRequest {
  snapshot: CompiledSnapshot;
  apiKey: CompiledApiKey;
  /** The endpoint and its request (after team policy): what each attempt sends and relays. */
  endpoint: Endpoint;
  /** The request's tags and metadata: every usage event of the request carries them. */
  labels: RequestLabels;
  strategy: RoutingStrategy;
  route: RoutePlan;
  /**
   * The attempt plan's head: the first model's deployments in strategy order, decided once. The
   * first attempt goes to the first of them that is not cooling down (money admits the head with
   * the request); later models are ordered when the loop reaches them.
   */
  firstTargets: readonly CompiledTarget[];
  /**
   * The post-call guardrails, when the team has any (set by guardPrompt). Not optional on purpose:
   * requests are copied field by field (withAttemptOrder, admit), and a required key cannot be
   * left out of such a copy unnoticed.
   */
  answerGuard: AnswerGuard | undefined;
}

/** The request the attempt loop runs: planned, and admitted by money. */
export interface RoutedRequest extends PlannedRequest {
  /** The request's money ticket: the policy every attempt goes through. */
  money: AttemptPolicy;
}

/** Whether every deployment the plan can reach is the team's own: no markup, no credits drawn. */
export function reachesOnlyOwnProviders(plan: RoutePlan): boolean {
  return plan.steps.every((step) => step.targets.every((target) => target.provider.teamId !== null));
}
