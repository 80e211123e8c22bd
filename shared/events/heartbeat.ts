import { z } from 'zod';

/** Heartbeats between the planes (fleet view and degraded-mode detection). Bump on a breaking change. */
export const HEARTBEAT_SCHEMA_VERSION = 1;

/**
 * The declared degraded modes. A data plane reports the ones it is in; each is visible in its
 * /readyz detail, its metrics and the control plane's fleet view.
 */
/**
 * A data plane's declared degraded modes. `money_local_share`: Redis does not answer the money
 * store, limits and hard budgets run on the local share; `usage_spooling`: usage events wait in
 * the local spool for the bus; `cache_bypass`: the response cache's Redis does not answer, requests
 * are served uncached.
 */
export const DEGRADED_MODES = [
  'redis_down',
  'control_plane_down',
  'database_down',
  'snapshot_stale',
  'money_local_share',
  'usage_spooling',
  'cache_bypass',
] as const;
export type DegradedMode = (typeof DEGRADED_MODES)[number];

/**
 * Sent by every data plane every `intervalMs` over the bus. The control plane keeps the latest one
 * per `instanceId` in memory and forgets a plane that stays silent for a few intervals.
 */
export const DataPlaneHeartbeat = z.object({
  schemaVersion: z.literal(HEARTBEAT_SCHEMA_VERSION),
  plane: z.literal('data'),
  /** TOLLGATE_INSTANCE_ID, or host name + pid: unique per running process. */
  instanceId: z.string().min(1),
  /** The snapshot this plane serves (null before the first one loaded). */
  snapshotVersion: z.number().int().positive().nullable(),
  snapshotHash: z.string().nullable(),
  /** Where the served snapshot came from: the bus, or the last good one on disk. */
  snapshotSource: z.enum(['bus', 'disk']).nullable(),
  /** The last snapshot this plane refused (bad JSON, unknown major version, older), if any. */
  lastRefused: z.object({ version: z.number().int(), reason: z.string() }).nullable(),
  /** `ready`: serving; `not_ready`: no snapshot; `draining`: shutting down, takes no new requests. */
  state: z.enum(['ready', 'not_ready', 'draining']),
  degraded: z.array(z.enum(DEGRADED_MODES)),
  inFlight: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  sentAt: z.iso.datetime(),
  /** The sender's interval: the receiver considers it gone after a few missed beats. */
  intervalMs: z.number().int().positive(),
});
export type DataPlaneHeartbeat = z.infer<typeof DataPlaneHeartbeat>;

/** Sent by every control plane, so data planes can report `control_plane_down` and `database_down`. */
export const ControlPlaneHeartbeat = z.object({
  schemaVersion: z.literal(HEARTBEAT_SCHEMA_VERSION),
  plane: z.literal('control'),
  instanceId: z.string().min(1),
  /** False when the last database probe failed: the control plane answers "service unavailable". */
  databaseUp: z.boolean(),
  /**
   * The snapshot version this control plane last published: the target every data plane should
   * serve. Optional (added later); a data plane behind it for too long reports `snapshot_stale`.
   */
  snapshotVersion: z.number().int().positive().nullable().optional(),
  sentAt: z.iso.datetime(),
  intervalMs: z.number().int().positive(),
});
export type ControlPlaneHeartbeat = z.infer<typeof ControlPlaneHeartbeat>;

export const Heartbeat = z.discriminatedUnion('plane', [DataPlaneHeartbeat, ControlPlaneHeartbeat]);
export type Heartbeat = z.infer<typeof Heartbeat>;

/** A peer is considered gone after this many missed intervals. */
export const HEARTBEAT_MISSES_ALLOWED = 3;
