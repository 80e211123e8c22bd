/**
 * Cooldown: a deployment that fails `failuresToCool` times within `windowMs` is skipped for
 * `cooldownMs`; a 429 with retry-after cools it for at least that long. Failures are counted per
 * data plane; the verdict (cooling until when) may be shared through a store (Redis), so one
 * plane's discovery spares the others.
 */
export interface CooldownPolicy {
  failuresToCool: number;
  windowMs: number;
  cooldownMs: number;
}

export const DEFAULT_COOLDOWN_POLICY: CooldownPolicy = { failuresToCool: 3, windowMs: 60_000, cooldownMs: 30_000 };

export type CooldownReason = 'rate_limit' | 'failures';

export interface Cooling {
  remainingMs: number;
  reason: CooldownReason;
}

export interface CooldownStore {
  /** Synchronous, from local knowledge: null when the deployment may serve. */
  cooling(deploymentId: string): Cooling | null;
  /**
   * Starts bringing local knowledge of these deployments up to date from the shared store, when
   * there is one and it was not read recently, and returns at once: the request that starts the
   * read routes on what the plane knows, the requests after it on what the read found (a request
   * never waits for a Redis round trip here). Never throws: a slow or absent Redis leaves the
   * local view in charge (degraded, not down).
   */
  refresh(deploymentIds: readonly string[]): void;
  /**
   * A failed attempt; `coolForMs` (a 429's retry-after) cools it at once for at least that long.
   * `policy`: the request's (the snapshot's routing defaults), else the store's own.
   */
  recordFailure(deploymentId: string, coolForMs?: number, policy?: CooldownPolicy): void;
  /** A successful attempt forgets the failures counted so far. */
  recordSuccess(deploymentId: string): void;
  /** Forgets everything (tests). */
  clear(): void;
  close(): Promise<void>;
}

/** Called when a cooldown starts, so a shared store can publish it. */
export type OnCool = (deploymentId: string, ms: number, reason: CooldownReason) => void;

export function createMemoryCooldownStore(policy: Partial<CooldownPolicy> = {}, options: { now?: () => number; onCool?: OnCool } = {}) {
  const own: CooldownPolicy = { ...DEFAULT_COOLDOWN_POLICY, ...policy };
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const until = new Map<string, { atMs: number; reason: CooldownReason }>();

  function cool(deploymentId: string, ms: number, reason: CooldownReason, publish: boolean): void {
    const atMs = now() + ms;
    const current = until.get(deploymentId);
    if (current && current.atMs >= atMs) return;
    until.set(deploymentId, { atMs, reason });
    // After a cooldown it takes a fresh run of failures to cool it again.
    failures.delete(deploymentId);
    if (publish) options.onCool?.(deploymentId, ms, reason);
  }

  return {
    cooling(deploymentId: string): Cooling | null {
      const entry = until.get(deploymentId);
      if (!entry) return null;
      const remainingMs = entry.atMs - now();
      if (remainingMs > 0) return { remainingMs, reason: entry.reason };
      until.delete(deploymentId);
      return null;
    },
    refresh() {},
    recordFailure(deploymentId: string, coolForMs?: number, policy: CooldownPolicy = own) {
      if (coolForMs !== undefined && coolForMs > 0) return cool(deploymentId, coolForMs, 'rate_limit', true);
      const { failuresToCool, windowMs, cooldownMs } = policy;
      const at = now();
      const recent = (failures.get(deploymentId) ?? []).filter((time) => at - time < windowMs);
      recent.push(at);
      if (recent.length >= failuresToCool) cool(deploymentId, cooldownMs, 'failures', true);
      else failures.set(deploymentId, recent);
    },
    recordSuccess(deploymentId: string) {
      failures.delete(deploymentId);
    },
    /** Learns of a cooldown another plane started (no re-publish). */
    learn(deploymentId: string, remainingMs: number, reason: CooldownReason) {
      if (remainingMs > 0) cool(deploymentId, remainingMs, reason, false);
    },
    clear() {
      failures.clear();
      until.clear();
    },
    async close() {},
  } satisfies CooldownStore & { learn: unknown };
}
