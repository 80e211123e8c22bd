import type { SnapshotDeployment } from '../../shared/snapshot/schema.ts';

/** Upstream timeouts in milliseconds. */
export interface AttemptTimeouts {
  /** TCP + TLS connect. Applied by the upstream agent kept for that value (undici sets it per pool). */
  connectMs: number;
  /** Attempt start to the first event of a stream (headers alone do not count). */
  firstByteMs: number;
  /** The whole attempt, body included; the only deadline of a non-streamed call. */
  totalMs: number;
  /** Longest silence between two stream events, counted only while we wait on the upstream. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: AttemptTimeouts = { connectMs: 5_000, firstByteMs: 60_000, totalMs: 600_000, idleMs: 60_000 };

/** A deployment's own timeouts where the snapshot sets them, the data plane's defaults elsewhere. */
export function timeoutsFor(deployment: SnapshotDeployment, defaults: AttemptTimeouts): AttemptTimeouts {
  const own = deployment.timeouts;
  return {
    connectMs: own.connectMs ?? defaults.connectMs,
    firstByteMs: own.firstByteMs ?? defaults.firstByteMs,
    totalMs: own.totalMs ?? defaults.totalMs,
    idleMs: own.idleMs ?? defaults.idleMs,
  };
}
