import { describe, expect, it } from 'vitest';
import { UsageStoreUnavailable } from '../../shared/bus/bus.ts';
import { createControlPlaneMetrics } from './control-plane-metrics.ts';
import { createDatabaseHealth, isDatabaseUnavailable } from './database-health.ts';

const sources = {
  bus: { usageBacklog: async () => ({ pending: 2, lag: 5, deadLetters: 0 }), isConnected: () => true },
  fleet: { view: () => ({ targetSnapshotVersion: 4, members: [], live: 0, convergedCount: 0, converged: true }) },
  database: { isUp: () => false },
};

describe('database down', () => {
  it('recognises unreachable-database errors, and only those', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable({ name: 'PrismaClientKnownRequestError', code: 'P1001', message: "Can't reach database server" })).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
    expect(isDatabaseUnavailable({ name: 'PrismaClientKnownRequestError', code: 'P2002', message: 'Unique constraint failed' })).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  });

  it('turns an unreachable database during ingest into UsageStoreUnavailable (events wait in the stream)', async () => {
    const metrics = createControlPlaneMetrics(sources, { defaultMetrics: false });
    const down = metrics.instrumentIngest(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    await expect(down([])).rejects.toBeInstanceOf(UsageStoreUnavailable);
    const bug = metrics.instrumentIngest(async () => {
      throw new Error('a bug');
    });
    await expect(bug([])).rejects.toThrow('a bug');
    await metrics.instrumentIngest(async () => undefined)([]);
    const { body } = await metrics.render();
    expect(body).toContain('tollgate_usage_ingest_batches_total{result="database_down"} 1');
    expect(body).toContain('tollgate_usage_ingest_batches_total{result="error"} 1');
    expect(body).toContain('tollgate_usage_ingest_batches_total{result="ok"} 1');
    expect(body).toContain('tollgate_usage_stream_pending 2');
    expect(body).toContain('tollgate_usage_stream_lag 5');
    expect(body).toContain('tollgate_snapshot_published_version 4');
    expect(body).toContain('tollgate_database_up 0');
  });

  it('the probe flips to down and back', async () => {
    let fail = true;
    const health = createDatabaseHealth({
      $queryRawUnsafe: (async () => {
        if (fail) throw new Error('ECONNREFUSED');
        return [{ one: 1 }];
      }) as any,
    });
    expect(await health.probe()).toBe(false);
    expect(health.isUp()).toBe(false);
    fail = false;
    expect(await health.probe()).toBe(true);
  });
});
