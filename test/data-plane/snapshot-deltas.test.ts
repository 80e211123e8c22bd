import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKey, buildSnapshot, contentOf, toStored, toStoredWithDelta } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, scenarioSnapshot, startHarness } from './harness.ts';

// The delta path (issue 12 item 3): a data plane applies a signed delta from the version it
// serves; a delta from another version, or one whose result does not hash to the announced
// hash, is not applied and the full snapshot is read instead; a lost delta heals that way.
let h: Harness;
const readyz = async () => (await fetch(`${h.url}/readyz`)).json();
const version = (n: number, extraKey?: string) => {
  const content = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
  const keys = extraKey ? [...content.apiKeys, apiKey(extraKey, { id: `key-${n}`, teamId: 'acme' })] : content.apiKeys;
  return buildSnapshot({ ...content, apiKeys: keys, version: n, createdAt: `2026-12-0${n % 9 || 1}T00:00:00.000Z` });
};

beforeAll(async () => {
  h = await startHarness({ publish: false });
  await h.bus.publishSnapshot(toStored(version(1)));
  await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(1));
});
afterAll(() => h.close());

describe('snapshot deltas', () => {
  it('applies a delta from the served version (no full read), and serves what it added', async () => {
    const before = (await readyz()).snapshotLoads;
    await h.bus.publishSnapshot(toStoredWithDelta(version(1), version(2, 'tg_delta-key-2')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(2));
    expect((await readyz()).snapshotLoads).toEqual({ full: before.full, delta: before.delta + 1, deltaMisses: 0 });
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-2' })).status).toBe(200);
  });

  it('refuses a delta on top of the wrong version and reads the full snapshot instead', async () => {
    const before = (await readyz()).snapshotLoads;
    // A delta from 3 to 4, while the plane serves 2.
    await h.bus.publishSnapshot(toStoredWithDelta(version(3), version(4, 'tg_delta-key-4')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(4));
    expect((await readyz()).snapshotLoads).toEqual({ full: before.full + 1, delta: before.delta, deltaMisses: before.deltaMisses + 1 });
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-4' })).status).toBe(200);
  });

  it('reads the full snapshot when the delta does not give the announced hash', async () => {
    const before = (await readyz()).snapshotLoads;
    await h.bus.publishSnapshot(
      toStoredWithDelta(version(4, 'tg_delta-key-4'), version(5, 'tg_delta-key-5'), undefined, (delta) => {
        delta.changes.apiKeys = { put: [], remove: [] }; // the key 5 is lost on the way
      }),
    );
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(5));
    expect((await readyz()).snapshotLoads).toMatchObject({ full: before.full + 1, deltaMisses: before.deltaMisses + 1 });
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-5' })).status).toBe(200);
  });

  it('heals a lost delta: missing version 6, the delta 6 -> 7 does not apply to 5, so it reads the full 7', async () => {
    const before = (await readyz()).snapshotLoads;
    // Version 6 (and its delta from 5) never reached this plane: the announcement was lost.
    await h.bus.publishSnapshot(toStoredWithDelta(version(6, 'tg_delta-key-6'), version(7, 'tg_delta-key-7')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(7));
    expect((await readyz()).snapshotLoads).toMatchObject({ full: before.full + 1, deltaMisses: before.deltaMisses + 1 });
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-7' })).status).toBe(200);
    // And the next delta, from 7, applies again.
    await h.bus.publishSnapshot(toStoredWithDelta(version(7, 'tg_delta-key-7'), version(8, 'tg_delta-key-8')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(8));
    expect((await readyz()).snapshotLoads.delta).toBe(before.delta + 1);
  });
});
