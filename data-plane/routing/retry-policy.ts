import type { FallbackTrigger } from '../../shared/snapshot/schema.ts';
import { GatewayError, UpstreamError } from '../errors/gateway-error.ts';

/** How hard one request tries. Attempts are bounded overall and per model of the plan. */
export interface RetryPolicy {
  /** Upstream attempts per request, across the whole plan. */
  maxAttempts: number;
  /** Attempts on one model's deployments before the plan moves to the next model. */
  maxAttemptsPerModel: number;
  /** Exponential backoff (full jitter) before re-trying a deployment already tried. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, maxAttemptsPerModel: 3, backoffBaseMs: 200, backoffMaxMs: 5_000 };

/** What a failed attempt means for the rest of the plan. */
export interface FailureClass {
  /** The fallback trigger it counts as; null: not a reason to try another model. */
  trigger: FallbackTrigger | null;
  /** Another deployment of the same model may succeed. */
  tryOtherDeployment: boolean;
  /** The same deployment may succeed after a backoff. */
  retrySameDeployment: boolean;
  /** Counts towards the deployment's cooldown. */
  countsAsFailure: boolean;
  /** A 429's retry-after: the deployment cools at least that long. */
  coolForMs?: number;
}

// Upstream 400s carry the provider's words only; these are how the big providers say it.
const CONTEXT_EXCEEDED = /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long/i;
const CONTENT_POLICY = /content[ _-]?(policy|filter|management)|safety (system|filter)|responsible ai/i;

/**
 * Classifies a failed attempt; null when the error is not the upstream's (a bug, or the
 * client's own request): it then ends the request as it is.
 */
export function classifyFailure(error: unknown): FailureClass | null {
  if (error instanceof UpstreamError) {
    if (error.outcome === 'timeout') return { trigger: 'timeout', tryOtherDeployment: true, retrySameDeployment: true, countsAsFailure: true };
    if (error.upstreamStatus === 429) {
      const coolForMs = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : undefined;
      return { trigger: 'rate_limit', tryOtherDeployment: true, retrySameDeployment: true, countsAsFailure: true, coolForMs };
    }
    if (error.code === 'upstream_auth_failed' || error.code === 'upstream_model_not_found') {
      // This deployment's configuration is wrong: another one may be right, this one stays wrong.
      return { trigger: 'server_error', tryOtherDeployment: true, retrySameDeployment: false, countsAsFailure: true };
    }
    if (error.status >= 500) return { trigger: 'server_error', tryOtherDeployment: true, retrySameDeployment: true, countsAsFailure: true };
    // The request itself was refused: the same request fails the same way on any deployment.
    if (CONTEXT_EXCEEDED.test(error.message))
      return { trigger: 'context_window', tryOtherDeployment: false, retrySameDeployment: false, countsAsFailure: false };
    if (CONTENT_POLICY.test(error.message)) return { trigger: 'content_policy', tryOtherDeployment: false, retrySameDeployment: false, countsAsFailure: false };
    return { trigger: null, tryOtherDeployment: false, retrySameDeployment: false, countsAsFailure: false };
  }
  // Adapters refuse some deployments before any HTTP (kind not supported, no base URL): another
  // deployment may be fine, this one will not be.
  if (error instanceof GatewayError && error.status >= 500 && error.type !== 'internal_error') {
    return { trigger: 'server_error', tryOtherDeployment: true, retrySameDeployment: false, countsAsFailure: false };
  }
  return null;
}

/** Delay before the `retry`-th re-try (1-based) of an already tried deployment: full jitter. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (retry - 1));
  // Half fixed, half random: spread out, but never a zero-delay tight loop.
  return ceiling / 2 + (random() * ceiling) / 2;
}
