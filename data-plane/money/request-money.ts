import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Attempt, AttemptPolicy } from '../request/attempt.ts';
import { type PlannedRequest, reachesOnlyOwnProviders } from '../request/routed-request.ts';
import type { CompiledModel } from '../snapshot/compiled-snapshot.ts';
import { RateLimitedError } from './money-errors.ts';
import type { AttemptTicket, MoneyGuard } from './money-guard.ts';
import { hasDeploymentLimits, requestBounds } from './plan-admission.ts';

/** A request's money once admitted: the policy its attempts go through, and its x-ratelimit-* headers. */
export interface RequestMoney extends AttemptPolicy {
  readonly headers: readonly [string, string][];
}

/**
 * Admission is per request and reserves the plan's worst case: the dearest model a fallback
 * could reach (else a fallback to a pricier model could spend past a hard budget), with markup
 * and prepaid credits unless every reachable deployment is the team's own. The deployment at the
 * head of the attempt plan has its own limits taken in the same script; any other deployment's
 * are taken as its attempt starts (`before`), and skipped to the next deployment when full.
 * Every attempt's real cost is added as it ends (`after`); the served attempt's end, else
 * `close`, settles with their sum.
 */
export async function admitRequest(guard: MoneyGuard, request: PlannedRequest): Promise<RequestMoney> {
  const { apiKey, route, endpoint } = request;
  const byok = reachesOnlyOwnProviders(route);
  const ticket = await guard.admit({
    apiKey,
    model: dearestModel(request, byok),
    budgetModelId: route.steps[0].model.model.id,
    deployment: request.firstTargets[0],
    byok,
    budgets: request.snapshot.budgets,
    request: endpoint.request,
  });
  /** Per-attempt deployment tickets, by attempt number; most requests never need one. */
  let attemptTickets: Map<number, AttemptTicket> | null = null;
  return {
    headers: ticket.headers,
    before(attempt: Attempt): null | Promise<GatewayError | null> {
      // The request's own admission took this deployment's limits for its first attempt.
      if (attempt.number === 1 && attempt.target === ticket.deploymentAdmitted) return null;
      if (!hasDeploymentLimits(attempt.target)) return null;
      // Markup and credits play no part in a token count.
      const rateTokens = () => requestBounds({ apiKey, model: attempt.model, byok: true, request: endpoint.request }).rateTokens;
      return guard.admitAttempt(attempt.target, rateTokens).then(
        (admitted) => {
          if (admitted) (attemptTickets ??= new Map()).set(attempt.number, admitted);
          return null;
        },
        (error: unknown) => {
          if (error instanceof RateLimitedError) return error;
          throw error;
        },
      );
    },
    after(attempt: Attempt, event: UsageEvent) {
      ticket.add(event);
      attemptTickets?.get(attempt.number)?.settle(event);
      // A served attempt is the request's last: settle now, in the same turn as its usage
      // handover (on one Redis, the same call), not a turn later when the pipeline closes.
      if (event.outcome === 'ok') ticket.settle();
    },
    close() {
      ticket.settle();
    },
  };
}

function dearestModel({ route, apiKey, endpoint }: PlannedRequest, byok: boolean): CompiledModel {
  // Most requests have no fallback chain: their one model is the dearest, with nothing to price.
  if (route.steps.length === 1) return route.steps[0].model;
  let dearest = route.steps[0].model;
  let most = -1;
  for (const { model } of route.steps) {
    const cost = requestBounds({ apiKey, model, byok, request: endpoint.request }).maxCostMicroUsd;
    if (cost > most) [dearest, most] = [model, cost];
  }
  return dearest;
}
