import { type CooldownPolicy, type CooldownStore, createMemoryCooldownStore } from './cooldown.ts';
import { DeploymentStats } from './deployment-stats.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import { type AttemptTimeouts, DEFAULT_TIMEOUTS } from './timeouts.ts';

/** How a data plane routes: its policies and the state it keeps about deployments. */
export interface RoutingOptions {
  retry?: Partial<RetryPolicy>;
  /** Used for the in-memory store; a store passed in brings its own policy. */
  cooldown?: Partial<CooldownPolicy>;
  /** Shared cooldowns (routing/redis-cooldown-store.ts); in-memory per plane when absent. */
  cooldownStore?: CooldownStore;
  /** Defaults for deployments whose snapshot timeouts are null. */
  timeouts?: Partial<AttemptTimeouts>;
  /** For deterministic tests. */
  random?: () => number;
}

/** Built once per data plane; outlives snapshots (deployment state is keyed by deployment id). */
export interface RoutingRuntime {
  readonly retry: RetryPolicy;
  readonly timeouts: AttemptTimeouts;
  readonly cooldowns: CooldownStore;
  readonly stats: DeploymentStats;
  readonly random: () => number;
}

export function createRoutingRuntime(options: RoutingOptions = {}): RoutingRuntime {
  return {
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    cooldowns: options.cooldownStore ?? createMemoryCooldownStore(options.cooldown),
    stats: new DeploymentStats(),
    random: options.random ?? Math.random,
  };
}
