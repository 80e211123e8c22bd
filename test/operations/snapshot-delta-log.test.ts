import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, SNAPSHOT_DELTA_LOG_LENGTH } from '../../shared/bus/bus.ts';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { forEachRedis } from '../support/redis-targets.ts';

// The bus's delta log (issue 12 item 3): a version can go out as its delta alone; the full
// snapshot is written lazily, and the full snapshot plus the log always lead to the newest
// version. Checked on the in-process bus, Redis and a Redis Cluster (one hash, one slot).
const full = (version: number) => ({ version, json: `{"full":${version}}`, signature: `s-full-${version}` });
const delta = (from: number, to: number) => ({ from, to, json: `{"from":${from},"to":${to}}`, signature: `s-delta-${to}` });
const loggedVersions = async (bus: Bus, after: number) =>
  (await bus.loadSnapshotDeltas(after))?.deltas.map((d) => (JSON.parse(d.json) as { to: number }).to) ?? null;

function suite(name: string, makeBus: () => Bus) {
  describe(name, () => {
    let bus: Bus;
    beforeAll(() => {
      bus = makeBus();
    });
    afterAll(() => bus.close());

    it('appends deltas on top of the newest version only, and announces each (a delta with its announcement)', async () => {
      const announced: number[] = [];
      const carried: unknown[] = [];
      await bus.onSnapshotAnnounced((version, carriedDelta) => {
        if (version === 0) return; // the Redis bus's own nudge after (re)connecting
        announced.push(version);
        carried.push(carriedDelta ?? null);
      });
      expect(await bus.publishSnapshotDelta(delta(0, 1))).toBe('gap'); // nothing stored: a full snapshot first
      expect(await bus.publishSnapshot(full(1))).toBe(true);
      expect(await bus.publishSnapshotDelta(delta(1, 2))).toBe('stored');
      expect(await bus.publishSnapshotDelta(delta(2, 3))).toBe('stored');
      expect(await bus.publishSnapshotDelta(delta(3, 3))).toBe('newer');
      expect(await bus.publishSnapshotDelta(delta(1, 2))).toBe('newer');
      expect(await bus.publishSnapshotDelta(delta(2, 5))).toBe('gap'); // not from the newest version
      expect(await bus.loadSnapshotHead()).toEqual({ version: 3, fullVersion: 1, signature: 's-delta-3' });
      expect(await bus.loadSnapshot()).toMatchObject(full(1));
      expect(await loggedVersions(bus, 1)).toEqual([2, 3]);
      expect(await loggedVersions(bus, 2)).toEqual([3]);
      expect(await loggedVersions(bus, 3)).toEqual([]);
      await expect.poll(() => announced).toEqual([1, 2, 3]);
      // A data plane serving version 1 applies 1 -> 2 from its announcement, without reading the log.
      expect(carried).toEqual([null, delta(1, 2), delta(2, 3)]);
    });

    it('completes the newest version with its full snapshot; an older one is refused', async () => {
      expect(await bus.publishSnapshot(full(2))).toBe(false);
      expect(await bus.publishSnapshot(full(3))).toBe(true);
      expect(await bus.publishSnapshot(full(3))).toBe(false);
      expect(await bus.loadSnapshotHead()).toEqual({ version: 3, fullVersion: 3, signature: 's-full-3' });
      // The log stays for data planes a few versions behind.
      expect(await loggedVersions(bus, 1)).toEqual([2, 3]);
    });

    it('never drops a delta the full snapshot still needs: at the bound, a delta is refused as a gap', async () => {
      const start = 3;
      for (let v = start + 1; v <= start + SNAPSHOT_DELTA_LOG_LENGTH; v++) expect(await bus.publishSnapshotDelta(delta(v - 1, v))).toBe('stored');
      const last = start + SNAPSHOT_DELTA_LOG_LENGTH;
      // The two deltas from before the full snapshot made room; now every logged delta is needed.
      expect(await loggedVersions(bus, 0)).toEqual(Array.from({ length: SNAPSHOT_DELTA_LOG_LENGTH }, (_, i) => start + 1 + i));
      expect(await bus.publishSnapshotDelta(delta(last, last + 1))).toBe('gap');
      // The full snapshot (with its delta) goes instead; older deltas may go now.
      expect(await bus.publishSnapshot({ ...full(last + 1), delta: { json: delta(last, last + 1).json, signature: 's-delta' } })).toBe(true);
      const logged = await loggedVersions(bus, 0);
      expect(logged).toHaveLength(SNAPSHOT_DELTA_LOG_LENGTH);
      expect(logged?.at(-1)).toBe(last + 1);
      expect(await bus.publishSnapshotDelta(delta(last + 1, last + 2))).toBe('stored');
    });

    it('a replacing full snapshot drops the log', async () => {
      expect(await bus.publishSnapshot(full(2), { replace: true })).toBe(true);
      expect(await bus.loadSnapshotHead()).toEqual({ version: 2, fullVersion: 2, signature: 's-full-2' });
      expect(await loggedVersions(bus, 0)).toEqual([]);
    });
  });
}

suite('in-process bus', createMemoryBus);
forEachRedis((target) => suite(target.name, () => createRedisBus({ url: target.url(), prefix: `tollgate-delta-log-${randomBytes(4).toString('hex')}` })));
