import type { Bus } from '../shared/bus/bus.ts';

/**
 * What to tell the operator at start when Redis would lose what exactly-once metering needs it
 * to keep: usage events wait in the stream until a control plane stores them, so a Redis restart
 * without AOF loses them (and empties the money counters). Null when persistence is adequate,
 * or when the bus is not Redis. docs/operations.md, "Redis persistence".
 */
export async function redisPersistenceWarning(bus: Pick<Bus, 'persistence'>): Promise<string | null> {
  if (!bus.persistence) return null;
  const persistence = await bus.persistence();
  const fix = 'Run Redis with `--appendonly yes --appendfsync everysec` (or `always`); see docs/operations.md (Redis persistence).';
  if (!persistence.aof) {
    const rdb = persistence.rdb ? ' (RDB snapshots only: everything since the last one is lost)' : '';
    return `Redis reports no AOF persistence${rdb}: a Redis restart loses the usage events not yet stored (metering gaps) and empties the money counters. ${fix}`;
  }
  if (persistence.appendfsync === 'no') {
    return `Redis AOF is on but appendfsync is "no": a crash can lose the last seconds of usage events. ${fix}`;
  }
  return null;
}
