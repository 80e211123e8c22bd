import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { ContentDigest, SECTIONS } from '../../shared/snapshot/content-digest.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { createSnapshotSigner } from '../../shared/snapshot/signature.ts';
import { isReachable, redisUrl, requireOrSkip } from '../../test/support/services.ts';
import { apiKey, buildSnapshot, signedStored, team, toStored } from '../../test/support/snapshot-fixture.ts';
import { TEST_SECRET_KEY } from '../../test/support/test-keys.ts';
import { createSnapshotFile } from './snapshot-file.ts';
import { createSnapshotLoader } from './snapshot-loader.ts';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/snapshots');
// In-process: no Redis for the worker to read from; snapshots are sent to it.
const inProcess = { loadSnapshot: async () => null };
const loader = createSnapshotLoader(parseSecretKeys(TEST_SECRET_KEY), inProcess);
afterAll(() => loader.close());

describe('snapshot loader (worker thread)', () => {
  it('loads a snapshot of several slices as parseSnapshot reads it, with the same per-entry digest', async () => {
    const teams = [team({ id: 't1' }), team({ id: 't2' })];
    const apiKeys = Array.from({ length: 1_201 }, (_, i) => apiKey(`secret-${i}`, { id: `k${i}`, teamId: i % 2 ? 't1' : 't2' }));
    const stored = toStored(buildSnapshot({ version: 7, teams, apiKeys }));
    const expected = parseSnapshot(stored.json);
    if (!expected.ok || !expected.digest) throw new Error('the fixture does not parse as 2.x');

    const loaded = await loader.load(stored);

    if (!loaded.ok) throw new Error(`not loaded: ${JSON.stringify(loaded)}`);
    expect(loaded.snapshot).toEqual({ ...expected.snapshot, apiKeys: [] });
    expect(expected.snapshot.apiKeys.every((key) => isDeepStrictEqual(loaded.keys.keys.byId(key.id), key))).toBe(true);
    expect(loaded.digest.hash(loaded.snapshot)).toBe(expected.snapshot.hash);
    for (const section of SECTIONS) expect(loaded.digest.sumOf(section)).toBe(expected.digest.sumOf(section));
    expect(loaded.digest.hashOf('apiKeys', 'k1200')).toBe(expected.digest.hashOf('apiKeys', 'k1200'));
  });

  it('answers loads that overlap, each with its own snapshot, and loads again once its idle worker ended', async () => {
    const stored = [3, 4, 5].map((version) => toStored(buildSnapshot({ version, teams: [team({ id: `t${version}` })] })));

    const quick = createSnapshotLoader(parseSecretKeys(TEST_SECRET_KEY), inProcess, 50);
    const overlapping = await Promise.all([quick.load(stored[0]), quick.load(stored[1])]);
    // Its worker ended meanwhile (idle 50 ms): the next load starts another.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await quick.load(stored[2]);
    await quick.close();

    expect([...overlapping, after].map((loaded) => (loaded.ok ? [loaded.snapshot.version, loaded.snapshot.teams[0].id] : loaded))).toEqual([
      [3, 't3'],
      [4, 't4'],
      [5, 't5'],
    ]);
  });

  // 1.x snapshots (from disk, an older control plane) have a whole-content hash.
  for (const file of readdirSync(fixtures)) {
    it(`loads the ${file} fixture as parseSnapshot does`, async () => {
      const json = readFileSync(path.join(fixtures, file), 'utf8');
      const expected = parseSnapshot(json);
      const loaded = await loader.load(signedStored(1, json));
      if (!expected.ok || !loaded.ok) throw new Error('the fixture does not load');
      expect(loaded.snapshot).toEqual({ ...expected.snapshot, apiKeys: [] });
      expect(expected.snapshot.apiKeys.every((key) => isDeepStrictEqual(loaded.keys.keys.byId(key.id), key))).toBe(true);
      // A 1.x snapshot's entries are hashed by the worker, for deltas.
      const digest = expected.digest ?? ContentDigest.of(expected.snapshot);
      for (const section of SECTIONS) expect(loaded.digest.sumOf(section)).toBe(digest.sumOf(section));
    });
  }

  it('refuses what another key signed, and what does not parse, with the reasons of the signature check and of parseSnapshot', async () => {
    const stored = toStored(buildSnapshot({ version: 2 }));
    const forged = createSnapshotSigner([{ id: 'other', key: Buffer.alloc(32, 7) }]);
    expect(await loader.load({ ...stored, signature: forged.sign(stored.json) })).toEqual({
      ok: false,
      kind: 'signature',
      reason: 'snapshot is signed with an unknown key id other',
    });
    expect(await loader.load({ ...stored, signature: null })).toEqual({ ok: false, kind: 'signature', reason: 'snapshot is not signed' });
    expect(await loader.load(signedStored(3, '{"version":'))).toEqual({ ok: false, kind: 'invalid', reason: 'snapshot is not valid JSON' });
  });
});

describe.skipIf(!(await requireOrSkip('Redis', isReachable(redisUrl()))))('snapshot loader on Redis', () => {
  it('reads the stored snapshot in its worker (only its version and signature come back), loads it and writes it to the last good file', async () => {
    const prefix = `test-loader-${randomBytes(4).toString('hex')}`;
    const bus = createRedisBus({ url: redisUrl(), prefix });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tollgate-loader-'));
    const onRedis = createSnapshotLoader(parseSecretKeys(TEST_SECRET_KEY), bus);
    try {
      expect(await onRedis.read()).toBeNull();
      const stored = toStored(buildSnapshot({ version: 9, teams: [team({ id: 't9' })] }));
      await bus.publishSnapshot(stored);

      const read = await onRedis.read();
      expect(read).toEqual({ version: 9, signature: stored.signature, held: true });
      const loaded = await onRedis.load(read!);
      expect(loaded.ok && [loaded.snapshot.version, loaded.snapshot.teams[0].id]).toEqual([9, 't9']);
      const file = createSnapshotFile(dir);
      await onRedis.persist(file);
      expect(await file.read()).toEqual(stored);
    } finally {
      await onRedis.close();
      await bus.close();
      const redis = new Redis(redisUrl());
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
