import { afterAll, describe, expect, it, vi } from 'vitest';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { hashSecret } from '../../shared/keys/api-key.ts';
import { apiKey, buildSnapshot, team, toStored, toStoredWithDelta } from '../../test/support/snapshot-fixture.ts';
import { TEST_SECRET_KEY } from '../../test/support/test-keys.ts';
import { silentLogger } from '../logger.ts';
import { createSnapshotStore } from './snapshot-store.ts';

const bus = createMemoryBus();
const store = createSnapshotStore({
  bus,
  secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
  logger: silentLogger,
  pollIntervalMs: 0,
  keysFoldAfter: 3,
});
afterAll(() => store.close());

const teams = [team({ id: 't1' })];
const withKeys = (version: number, count: number) =>
  buildSnapshot({ version, teams, apiKeys: Array.from({ length: count }, (_, i) => apiKey(`secret-${i}`, { id: `k${i}`, teamId: 't1' })) });

describe('snapshot store: keys changed by deltas', () => {
  it('reads the full snapshot again once deltas changed more keys than it keeps above the packed ones', async () => {
    await bus.publishSnapshot(toStored(withKeys(1, 2)));
    await store.start();
    expect(store.status().loads).toEqual({ full: 1, delta: 0, deltaMisses: 0 });

    // Two deltas add a key each: two changed keys, under the threshold of 3.
    for (const version of [2, 3]) await bus.publishSnapshot(toStoredWithDelta(withKeys(version - 1, version), withKeys(version, version + 1)));
    await vi.waitFor(() => expect(store.current()?.version).toBe(3), { timeout: 15_000 });
    expect(store.status().loads).toEqual({ full: 1, delta: 2, deltaMisses: 0 });
    expect(store.current()?.keysByHash.keys.changedCount).toBe(2);

    // The third reaches it: the full snapshot of the same version is read and packed again.
    await bus.publishSnapshot(toStoredWithDelta(withKeys(3, 4), withKeys(4, 5)));
    await vi.waitFor(() => expect(store.status().loads).toEqual({ full: 2, delta: 3, deltaMisses: 0 }), { timeout: 15_000 });
    const served = store.current()!;
    expect(served.version).toBe(4);
    expect(served.keysByHash.keys.changedCount).toBe(0);
    expect([0, 1, 2, 3, 4].map((i) => served.keysByHash.get(hashSecret(`secret-${i}`))?.key.id)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });
});
