/** Every Redis key, channel and stream name Tollgate uses, built in one place. */
export const busNames = (prefix = 'tollgate') => ({
  /** String: the newest stored snapshot JSON. */
  snapshotKey: `${prefix}:snapshot:current`,
  /** Pub/sub: announcements of a new snapshot version (a hint; the key is the truth). */
  snapshotChannel: `${prefix}:snapshot:announce`,
  /** Stream: usage events, read by the control plane's consumer group. */
  usageStream: `${prefix}:usage`,
  usageGroup: `${prefix}-control-plane`,
  /** Stream: usage events that could not be stored after several tries. */
  usageDeadLetterStream: `${prefix}:usage:dead`,
  /**
   * String with a PX expiry: set while a deployment cools down after failing (its value is the
   * reason). Shared by every data plane, so one plane's verdict spares the others the failures.
   */
  cooldownKey: (deploymentId: string) => `${prefix}:cooldown:${deploymentId}`,
  /** Pub/sub: heartbeats of data planes and of control planes (fleet view, degraded modes). */
  heartbeatChannel: (plane: 'data' | 'control') => `${prefix}:fleet:${plane}`,
  /** Pub/sub: live events (stored usage, budget changes, alerts) fanned out to every control plane replica. */
  liveChannel: `${prefix}:live`,
  /**
   * Sorted set: live topics (a team's stored usage) some replica has subscribers of, scored by
   * when that interest lapses unless renewed. Replicas publish a topic's usage only while it is here.
   */
  liveInterest: `${prefix}:live:interest`,
});

export type BusNames = ReturnType<typeof busNames>;
