import type { Bus } from '../../shared/bus/bus.ts';
import {
  type ControlPlaneHeartbeat,
  type DataPlaneHeartbeat,
  type DegradedMode,
  HEARTBEAT_MISSES_ALLOWED,
  HEARTBEAT_SCHEMA_VERSION,
} from '../../shared/events/heartbeat.ts';
import type { Logger } from '../logger.ts';

/** What the heartbeat reports about this plane, read at each beat. */
export type PlaneState = Pick<DataPlaneHeartbeat, 'snapshotVersion' | 'snapshotHash' | 'snapshotSource' | 'lastRefused' | 'state' | 'inFlight'>;

export interface HeartbeatOptions {
  bus: Pick<Bus, 'kind' | 'publishHeartbeat' | 'onHeartbeat' | 'isConnected'>;
  instanceId: string;
  /** 0 turns the periodic beat off (degraded modes are still tracked). */
  intervalMs: number;
  logger: Logger;
  state(): PlaneState;
  /** Each control-plane heartbeat, as it arrives (the snapshot store takes its target version). */
  onControl?: (heartbeat: ControlPlaneHeartbeat) => void;
  /** Degraded modes other parts know of (the snapshot store's `snapshot_stale`). */
  extraDegraded?: () => DegradedMode[];
}

export interface Heartbeat {
  /** The degraded modes this plane is in right now. */
  degraded(): DegradedMode[];
  start(): Promise<void>;
  /** Sends one beat now (state changes such as the start of a drain go out at once). */
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/** Before the first control-plane heartbeat, how long to wait before calling the control plane down. */
const STARTUP_GRACE_MS = 15_000;

/**
 * The data plane's side of the fleet view: publishes this plane's id, snapshot and health over
 * the bus every interval, and listens to the control planes' heartbeats to tell which declared
 * degraded mode it is in (Redis down, control plane down, database down). Nothing here is on the
 * request path.
 */
export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const { bus, logger } = options;
  const startedAt = new Date().toISOString();
  const started = Date.now();
  let lastControl: { heartbeat: ControlPlaneHeartbeat; at: number } | null = null;
  let subscribing: Promise<unknown> = Promise.resolve();
  let unsubscribe: (() => Promise<void>) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> | null = null;

  function degraded(): DegradedMode[] {
    const extra = options.extraDegraded?.() ?? [];
    if (!bus.isConnected()) return ['redis_down', ...extra];
    const modes: DegradedMode[] = [...extra];
    const now = Date.now();
    if (lastControl) {
      if (now - lastControl.at > HEARTBEAT_MISSES_ALLOWED * lastControl.heartbeat.intervalMs) modes.push('control_plane_down');
      else if (!lastControl.heartbeat.databaseUp) modes.push('database_down');
    } else if (now - started > STARTUP_GRACE_MS) {
      modes.push('control_plane_down');
    }
    return modes;
  }

  function beat(): Promise<void> {
    // A beat still waiting on a disconnected Redis: do not pile more up behind it.
    if (sending) return sending;
    const heartbeat: DataPlaneHeartbeat = {
      schemaVersion: HEARTBEAT_SCHEMA_VERSION,
      plane: 'data',
      instanceId: options.instanceId,
      ...options.state(),
      degraded: degraded(),
      startedAt,
      sentAt: new Date().toISOString(),
      intervalMs: options.intervalMs > 0 ? options.intervalMs : 5_000,
    };
    sending = bus
      .publishHeartbeat(heartbeat)
      .catch((error: unknown) => logger.debug({ err: error }, 'heartbeat not sent'))
      .finally(() => (sending = null));
    return sending;
  }

  return {
    degraded,
    beat,
    async start() {
      // Not awaited: with Redis down the subscription waits for it, and start-up must not.
      subscribing = bus
        .onHeartbeat('control', (heartbeat) => {
          if (heartbeat.plane !== 'control') return;
          lastControl = { heartbeat, at: Date.now() };
          options.onControl?.(heartbeat);
        })
        .then(
          (stop) => (unsubscribe = stop),
          (error: unknown) => logger.warn({ err: error }, 'heartbeat: could not subscribe to control-plane heartbeats yet'),
        );
      if (options.intervalMs > 0) {
        void beat();
        timer = setInterval(() => void beat(), options.intervalMs).unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      await subscribing;
      await unsubscribe?.();
      await sending;
    },
  };
}
