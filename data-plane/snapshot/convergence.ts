import { HEARTBEAT_MISSES_ALLOWED } from '../../shared/events/heartbeat.ts';

/**
 * Whether this data plane keeps up with the control plane's target version. Control planes say
 * in their heartbeats which version they last published; a data plane serving an older one for
 * longer than `staleAfterMs` (a refused snapshot, a lost announcement, a bus that stopped
 * delivering) reports the `snapshot_stale` degraded mode, so a revoked key that is still served
 * shows up in /readyz instead of hiding behind `ready`.
 */
export function createConvergence(options: { served: () => number | null; staleAfterMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const targets = new Map<string, { version: number; at: number; ttlMs: number }>();
  let behindSince: number | null = null;

  /** The newest version a live control plane published; null when none said. */
  function target(): number | null {
    let newest: number | null = null;
    const at = now();
    for (const [instance, entry] of targets) {
      if (at - entry.at > entry.ttlMs) targets.delete(instance);
      else if (newest === null || entry.version > newest) newest = entry.version;
    }
    return newest;
  }

  function check(): boolean {
    const wanted = target();
    const served = options.served();
    if (wanted === null || (served !== null && served >= wanted)) {
      behindSince = null;
      return false;
    }
    behindSince ??= now();
    return now() - behindSince > options.staleAfterMs;
  }

  return {
    /** A control plane's heartbeat: its instance, the version it last published, its interval. */
    noteTarget(instanceId: string, version: number | null | undefined, intervalMs: number): void {
      if (typeof version !== 'number') return;
      targets.set(instanceId, { version, at: now(), ttlMs: HEARTBEAT_MISSES_ALLOWED * intervalMs });
      check();
    },
    target,
    /** True once the served version has been behind the target for longer than allowed. */
    stale: check,
  };
}

export type Convergence = ReturnType<typeof createConvergence>;
