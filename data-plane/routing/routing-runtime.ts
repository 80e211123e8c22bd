import type { SnapshotRoutingDefaults } from '../../shared/snapshot/schema.ts';
import type { CompiledSnapshot } from '../snapshot/compiled-snapshot.ts';
import { type CooldownPolicy, type CooldownStore, createMemoryCooldownStore, DEFAULT_COOLDOWN_POLICY } from './cooldown.ts';
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

/** The policies one request routes by: the snapshot's routing defaults over the data plane's own. */
export interface RoutingPolicy {
  readonly retry: RetryPolicy;
  /** Defaults for deployments whose snapshot timeouts are null. */
  readonly timeouts: AttemptTimeouts;
  /** Undefined: the cooldown store's own policy (the snapshot sets none). */
  readonly cooldown: CooldownPolicy | undefined;
}

/** Built once per data plane; outlives snapshots (deployment state is keyed by deployment id). */
export interface RoutingRuntime {
  /** The data plane's own defaults (environment, else built in): what a snapshot without routing defaults gets. */
  readonly retry: RetryPolicy;
  readonly timeouts: AttemptTimeouts;
  readonly cooldowns: CooldownStore;
  readonly stats: DeploymentStats;
  readonly random: () => number;
  /** The policy under `snapshot` (worked out once per snapshot). */
  policyFor(snapshot: Pick<CompiledSnapshot, 'routingDefaults'>): RoutingPolicy;
}

export function createRoutingRuntime(options: RoutingOptions = {}): RoutingRuntime {
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const cooldown = { ...DEFAULT_COOLDOWN_POLICY, ...options.cooldown };
  const own: RoutingPolicy = { retry, timeouts, cooldown: undefined };
  // Keyed by the snapshot's entry: a delta that leaves the defaults alone keeps the same object.
  const policies = new WeakMap<SnapshotRoutingDefaults, RoutingPolicy>();
  return {
    retry,
    timeouts,
    cooldowns: options.cooldownStore ?? createMemoryCooldownStore(options.cooldown),
    stats: new DeploymentStats(),
    random: options.random ?? Math.random,
    policyFor(snapshot) {
      const defaults = snapshot.routingDefaults;
      if (!defaults) return own;
      let policy = policies.get(defaults);
      if (!policy) policies.set(defaults, (policy = overlay(own, cooldown, defaults)));
      return policy;
    },
  };
}

/** The snapshot's non-null fields over the data plane's own defaults. */
function overlay(own: RoutingPolicy, cooldown: CooldownPolicy, d: SnapshotRoutingDefaults): RoutingPolicy {
  const c = d.cooldown;
  const setsCooldown = c.failures !== null || c.windowMs !== null || c.cooldownMs !== null;
  return {
    retry: {
      maxAttempts: d.maxAttempts ?? own.retry.maxAttempts,
      maxAttemptsPerModel: d.maxAttemptsPerModel ?? own.retry.maxAttemptsPerModel,
      backoffBaseMs: d.retryBackoffMs ?? own.retry.backoffBaseMs,
      backoffMaxMs: d.retryBackoffMaxMs ?? own.retry.backoffMaxMs,
    },
    timeouts: {
      connectMs: d.timeouts.connectMs ?? own.timeouts.connectMs,
      firstByteMs: d.timeouts.firstByteMs ?? own.timeouts.firstByteMs,
      totalMs: d.timeouts.totalMs ?? own.timeouts.totalMs,
      idleMs: d.timeouts.idleMs ?? own.timeouts.idleMs,
    },
    cooldown: setsCooldown
      ? { failuresToCool: c.failures ?? cooldown.failuresToCool, windowMs: c.windowMs ?? cooldown.windowMs, cooldownMs: c.cooldownMs ?? cooldown.cooldownMs }
      : undefined,
  };
}
