import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDataPlane } from '../../data-plane/app.ts';
import { apiKey, buildSnapshot, contentOf, testSigner, toStored, toStoredWithDelta } from '../support/snapshot-fixture.ts';
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
  await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(1), { timeout: 15_000 });
});
afterAll(() => h.close());

describe('snapshot deltas', () => {
  it('applies a delta from the served version (no full read), and serves what it added', async () => {
    const before = (await readyz()).snapshotLoads;
    await h.bus.publishSnapshot(toStoredWithDelta(version(1), version(2, 'tg_delta-key-2')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
    expect((await readyz()).snapshotLoads).toEqual({ full: before.full, delta: before.delta + 1, deltaMisses: 0 });
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-2' })).status).toBe(200);
  });

  it('refuses a delta on top of the wrong version and reads the full snapshot instead', async () => {
    const before = (await readyz()).snapshotLoads;
    // A delta from 3 to 4, while the plane serves 2.
    await h.bus.publishSnapshot(toStoredWithDelta(version(3), version(4, 'tg_delta-key-4')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(4), { timeout: 15_000 });
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
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(5), { timeout: 15_000 });
    expect((await readyz()).snapshotLoads).toMatchObject({ full: before.full + 1, deltaMisses: before.deltaMisses + 1 });
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-5' })).status).toBe(200);
  });

  it('heals a lost delta: missing version 6, the delta 6 -> 7 does not apply to 5, so it reads the full 7', async () => {
    const before = (await readyz()).snapshotLoads;
    // Version 6 (and its delta from 5) never reached this plane: the announcement was lost.
    await h.bus.publishSnapshot(toStoredWithDelta(version(6, 'tg_delta-key-6'), version(7, 'tg_delta-key-7')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(7), { timeout: 15_000 });
    expect((await readyz()).snapshotLoads).toMatchObject({ full: before.full + 1, deltaMisses: before.deltaMisses + 1 });
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-7' })).status).toBe(200);
    // And the next delta, from 7, applies again.
    await h.bus.publishSnapshot(toStoredWithDelta(version(7, 'tg_delta-key-7'), version(8, 'tg_delta-key-8')));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(8), { timeout: 15_000 });
    expect((await readyz()).snapshotLoads.delta).toBe(before.delta + 1);
  });

  it('follows deltas published alone; a plane started later boots from the older full snapshot and the log', async () => {
    const before = await readyz();
    // The control plane writes the full snapshot lazily: 9 and 10 go out as their deltas only.
    for (const n of [9, 10]) {
      const { delta } = toStoredWithDelta(version(n - 1, `tg_delta-key-${n - 1}`), version(n, `tg_delta-key-${n}`));
      expect(await h.bus.publishSnapshotDelta({ from: n - 1, to: n, json: delta!.json, signature: testSigner.sign(delta!.json) })).toBe('stored');
    }
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(10), { timeout: 15_000 });
    expect(await h.bus.loadSnapshotHead()).toMatchObject({ version: 10, fullVersion: 8 });
    expect((await readyz()).snapshotLoads).toEqual({ ...before.snapshotLoads, delta: before.snapshotLoads.delta + 2 });

    const late = await startDataPlane({
      bus: h.bus,
      host: '127.0.0.1',
      port: 0,
      secretBox: h.secretBox,
      maxBodyBytes: 65_536,
      snapshotPollIntervalMs: 0,
      defaultMetrics: false,
    });
    try {
      expect(late.snapshotVersion()).toBe(10);
      const body = await (await fetch(`http://127.0.0.1:${late.port}/readyz`)).json();
      expect(body.snapshotLoads).toEqual({ full: 1, delta: 2, deltaMisses: 0 });
      const answer = await fetch(`http://127.0.0.1:${late.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer tg_delta-key-10', 'content-type': 'application/json' },
        body: JSON.stringify(chatBody({ model: 'echo' })),
      });
      expect(answer.status).toBe(200);
    } finally {
      await late.close();
    }
  });

  it('a delta that does not apply, with an older full snapshot: keeps serving, refuses nothing, and takes the full snapshot once written', async () => {
    const before = await readyz();
    const { delta } = toStoredWithDelta(version(10, 'tg_delta-key-10'), version(11, 'tg_delta-key-11'), undefined, (d) => {
      d.changes.apiKeys = { put: [], remove: [] }; // the key 11 is lost on the way
    });
    expect(await h.bus.publishSnapshotDelta({ from: 10, to: 11, json: delta!.json, signature: testSigner.sign(delta!.json) })).toBe('stored');
    await vi.waitFor(async () => expect((await readyz()).snapshotLoads.deltaMisses).toBe(before.snapshotLoads.deltaMisses + 1), { timeout: 15_000 });
    // The bus's full snapshot (8) is older than what the plane serves: not a step back, not refused.
    expect(await readyz()).toMatchObject({ snapshot: { version: 10 }, snapshotRefused: before.snapshotRefused, lastRefused: before.lastRefused });
    // The control plane writes the full snapshot of 11 (its periodic check): announced, taken.
    expect(await h.bus.publishSnapshot(toStored(version(11, 'tg_delta-key-11')))).toBe(true);
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(11), { timeout: 15_000 });
    expect((await readyz()).snapshotLoads.full).toBe(before.snapshotLoads.full + 1);
    expect((await h.chat(chatBody({ model: 'echo' }), { key: 'tg_delta-key-11' })).status).toBe(200);
  });
});
