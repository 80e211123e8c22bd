import type { Bus } from '../../shared/bus/bus.ts';
import { type ControlPlaneHeartbeat, HEARTBEAT_SCHEMA_VERSION } from '../../shared/events/heartbeat.ts';

/**
 * Tells the data planes this control plane is alive and whether its database answers, so each can
 * report the `control_plane_down` and `database_down` degraded modes (neither affects serving).
 */
export function createControlHeartbeat(options: {
  bus: Pick<Bus, 'publishHeartbeat'>;
  instanceId: string;
  intervalMs: number;
  databaseUp: () => boolean;
  snapshotVersion?: () => number | null;
}) {
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> | null = null;
  const beat = () => {
    if (sending) return sending;
    const heartbeat: ControlPlaneHeartbeat = {
      schemaVersion: HEARTBEAT_SCHEMA_VERSION,
      plane: 'control',
      instanceId: options.instanceId,
      databaseUp: options.databaseUp(),
      snapshotVersion: options.snapshotVersion?.() ?? null,
      sentAt: new Date().toISOString(),
      intervalMs: options.intervalMs,
    };
    sending = options.bus
      .publishHeartbeat(heartbeat)
      .catch(() => undefined)
      .finally(() => (sending = null));
    return sending;
  };
  return {
    beat,
    start() {
      if (options.intervalMs <= 0) return;
      void beat();
      timer = setInterval(() => void beat(), options.intervalMs).unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await sending;
    },
  };
}
