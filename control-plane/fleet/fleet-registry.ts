import { createPubSub } from 'graphql-yoga';
import type { Bus } from '../../shared/bus/bus.ts';
import { type DataPlaneHeartbeat, type DegradedMode, HEARTBEAT_MISSES_ALLOWED } from '../../shared/events/heartbeat.ts';

/** A data plane as the control plane last heard of it. `lost`: silent for a few heartbeats. */
export interface FleetMember {
  instanceId: string;
  state: DataPlaneHeartbeat['state'] | 'lost';
  snapshotVersion: number | null;
  snapshotHash: string | null;
  snapshotSource: DataPlaneHeartbeat['snapshotSource'];
  lastRefused: DataPlaneHeartbeat['lastRefused'];
  degraded: DegradedMode[];
  inFlight: number;
  startedAt: Date;
  lastSeenAt: Date;
}

export interface FleetView {
  /** The newest snapshot version on the bus: what every data plane should converge to. */
  targetSnapshotVersion: number | null;
  members: FleetMember[];
  /** Members that are not lost. */
  live: number;
  /** Live, not draining members serving the target version. */
  convergedCount: number;
  /** True when every live, not draining member serves the target version. */
  converged: boolean;
}

export interface FleetRegistry {
  view(): FleetView;
  /** Emits the whole view on every change that matters (membership, state, version, degraded). */
  changes(): AsyncIterable<FleetView>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A lost member is listed this many of its intervals more, then forgotten. */
const LOST_RETENTION_INTERVALS = 20;

/**
 * The fleet view: in memory on each control plane, fed by data-plane heartbeats over the bus (no
 * database row: a restarted control plane knows the fleet again within one heartbeat interval).
 */
export function createFleetRegistry(options: {
  bus: Pick<Bus, 'onHeartbeat' | 'onSnapshotAnnounced' | 'loadSnapshotHead'>;
  sweepIntervalMs?: number;
}): FleetRegistry {
  const { bus } = options;
  const members = new Map<string, { member: FleetMember; intervalMs: number }>();
  const pubsub = createPubSub<{ changed: [view: FleetView] }>();
  let target: number | null = null;
  const stops: (() => Promise<void>)[] = [];
  let sweeper: NodeJS.Timeout | null = null;

  function view(): FleetView {
    const list = [...members.values()].map((entry) => entry.member).sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    const live = list.filter((member) => member.state !== 'lost');
    const serving = live.filter((member) => member.state !== 'draining');
    const convergedCount = serving.filter((member) => member.snapshotVersion === target).length;
    return { targetSnapshotVersion: target, members: list, live: live.length, convergedCount, converged: convergedCount === serving.length };
  }

  const changed = () => pubsub.publish('changed', view());
  const signature = (member: FleetMember) => JSON.stringify([member.state, member.snapshotVersion, member.snapshotSource, member.degraded, member.lastRefused]);

  function onHeartbeat(heartbeat: DataPlaneHeartbeat): void {
    const previous = members.get(heartbeat.instanceId)?.member;
    const member: FleetMember = {
      instanceId: heartbeat.instanceId,
      state: heartbeat.state,
      snapshotVersion: heartbeat.snapshotVersion,
      snapshotHash: heartbeat.snapshotHash,
      snapshotSource: heartbeat.snapshotSource,
      lastRefused: heartbeat.lastRefused,
      degraded: heartbeat.degraded,
      inFlight: heartbeat.inFlight,
      startedAt: new Date(heartbeat.startedAt),
      // Our clock, not the sender's: expiry must not depend on clock skew between machines.
      lastSeenAt: new Date(),
    };
    members.set(heartbeat.instanceId, { member, intervalMs: heartbeat.intervalMs });
    if (!previous || signature(previous) !== signature(member)) changed();
  }

  function sweep(): void {
    const now = Date.now();
    let dirty = false;
    for (const [id, { member, intervalMs }] of members) {
      const silentMs = now - member.lastSeenAt.getTime();
      if (silentMs > LOST_RETENTION_INTERVALS * intervalMs) {
        members.delete(id);
        dirty = true;
      } else if (member.state !== 'lost' && silentMs > HEARTBEAT_MISSES_ALLOWED * intervalMs) {
        member.state = 'lost';
        dirty = true;
      }
    }
    if (dirty) changed();
  }

  function onTarget(version: number): void {
    if (version > (target ?? 0)) {
      target = version;
      changed();
    }
  }

  return {
    view,
    changes: () => pubsub.subscribe('changed'),
    async start() {
      stops.push(await bus.onHeartbeat('data', (heartbeat) => heartbeat.plane === 'data' && onHeartbeat(heartbeat)));
      // Announcements carry the version; a reconnect announces 0, so re-read the stored one then.
      stops.push(
        await bus.onSnapshotAnnounced((version) => {
          if (version > 0) onTarget(version);
          else
            void bus.loadSnapshotHead().then(
              (head) => head && onTarget(head.version),
              () => undefined,
            );
        }),
      );
      const head = await bus.loadSnapshotHead().catch(() => null);
      if (head) onTarget(head.version);
      sweeper = setInterval(sweep, options.sweepIntervalMs ?? 500).unref();
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      for (const stop of stops.splice(0)) await stop();
    },
  };
}
