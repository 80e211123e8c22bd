import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSnapshot, contentOf, deployment, model, provider, publishSnapshot, signedStored, toStored } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, scenarioSnapshot, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  // Start with nothing stored: the plane must come up, say it is not ready, and answer 503.
  h = await startHarness({ publish: false });
});
afterAll(() => h.close());

const readyz = async () => {
  const response = await fetch(`${h.url}/readyz`);
  return { status: response.status, body: await response.json() };
};

describe('snapshots', () => {
  it('is not ready, and answers completions with 503, before a snapshot exists', async () => {
    expect(await readyz()).toMatchObject({ status: 503, body: { status: 'not_ready', snapshot: null } });
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const response = await h.chat(chatBody());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect((await response.json()).error.code).toBe('not_ready');
  });

  it('loads the first announced snapshot without a restart', async () => {
    await publishSnapshot(h.bus, scenarioSnapshot({ version: 1, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(1), { timeout: 15_000 });
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready', snapshot: { version: 1 } } });
    expect((await h.chat(chatBody({ model: 'echo' }))).status).toBe(200);
  });

  it('serves a model added by a newer snapshot', async () => {
    expect((await h.chat(chatBody({ model: 'brand-new' }))).status).toBe(404);
    const v2 = scenarioSnapshot({
      version: 2,
      upstreamBaseUrl: h.upstream.baseUrl,
      secretBox: h.secretBox,
      extraModels: [
        model({ id: 'model-new', name: 'brand-new', deployments: [deployment({ id: 'dep-new', providerId: 'prov-mock', upstreamModel: 'new-1' })] }),
      ],
    });
    await publishSnapshot(h.bus, v2);
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
    const response = await h.chat(chatBody({ model: 'brand-new' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-snapshot')).toBe('2');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ snapshotVersion: 2, snapshotHash: v2.hash, model: 'brand-new' });
  });

  it('refuses a snapshot whose hash does not match, keeping the old one', async () => {
    const v3 = scenarioSnapshot({ version: 3, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox });
    await h.bus.publishSnapshot(toStored({ ...v3, teams: [] })); // content changed after hashing
    await vi.waitFor(async () => expect((await readyz()).body.lastRefused?.version).toBe(3), { timeout: 15_000 });
    const { body } = await readyz();
    expect(body.snapshot.version).toBe(2);
    expect(body.lastRefused.reason).toContain('hash');
    expect((await h.chat(chatBody({ model: 'brand-new' }))).status).toBe(200);
  });

  it('refuses an unknown major version and invalid JSON, keeping the old one', async () => {
    const v4 = scenarioSnapshot({ version: 4, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox });
    await h.bus.publishSnapshot(toStored({ ...v4, schemaVersion: '3.0' }));
    await vi.waitFor(async () => expect((await readyz()).body.lastRefused?.version).toBe(4), { timeout: 15_000 });
    expect((await readyz()).body.lastRefused.reason).toContain('major');
    await h.bus.publishSnapshot(signedStored(5, '{"not": json'));
    await vi.waitFor(async () => expect((await readyz()).body.lastRefused?.version).toBe(5), { timeout: 15_000 });
    expect(h.plane.snapshotVersion()).toBe(2);
    expect((await h.chat(chatBody({ model: 'echo' }))).status).toBe(200);
  });

  it('keeps serving other providers when one credential cannot be decrypted, and 503s that one', async () => {
    const content = contentOf(scenarioSnapshot({ version: 6, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
    const v6 = buildSnapshot({
      ...content,
      version: 6,
      providers: [
        // Sealed with a key this data plane does not have.
        ...content.providers.map((p) => (p.id === 'prov-fake' ? { ...p, credential: 'v1.unknown-key.aaaa.bbbb.cccc' } : p)),
        // Nothing listens on the discard port: this provider is down while the others serve.
        provider({ id: 'prov-anthropic', kind: 'anthropic', baseUrl: 'http://127.0.0.1:9' }),
      ],
      models: [
        ...content.models,
        model({ id: 'model-claude', name: 'claude', deployments: [deployment({ id: 'dep-claude', providerId: 'prov-anthropic', upstreamModel: 'claude-x' })] }),
      ],
    });
    await publishSnapshot(h.bus, v6);
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(6), { timeout: 15_000 });
    const broken = await h.chat(chatBody());
    expect(broken.status).toBe(503);
    expect((await broken.json()).error.code).toBe('no_usable_deployment');
    const down = await h.chat(chatBody({ model: 'claude' }));
    expect(down.status).toBe(502);
    expect((await down.json()).error.code).toBe('upstream_unreachable');
    expect((await h.chat(chatBody({ model: 'echo' }))).status).toBe(200);
  });
});
