import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { buildSnapshot, contentOf, provider, publishSnapshot } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, scenarioSnapshot, startHarness } from './harness.ts';

// Sealed credentials are bound to their provider's id and base URL (AEAD associated data): even
// in a snapshot that is validly signed, a credential copied to another provider, or a provider
// repointed to another host, does not open, and nothing is sent there.
let h: Harness;
let evil: FakeOpenAIUpstream;
beforeAll(async () => {
  h = await startHarness();
  evil = await startFakeOpenAIUpstream({ apiKey: 'whatever' });
});
afterAll(async () => {
  await h.close();
  await evil.close();
});

describe('credential binding', () => {
  it('serves with the credential sealed for the provider and its URL', async () => {
    expect((await h.chat(chatBody())).status).toBe(200);
  });

  it('does not open a credential whose provider was repointed to another host', async () => {
    const content = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
    const repointed = content.providers.map((p) => (p.id === 'prov-fake' ? { ...p, baseUrl: evil.baseUrl } : p));
    await publishSnapshot(h.bus, buildSnapshot({ ...content, version: 2, providers: repointed }));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
    const answer = await h.chat(chatBody());
    expect(answer.status).toBe(503);
    expect((await answer.json()).error.code).toBe('no_usable_deployment');
    expect(evil.requests).toHaveLength(0);
  });

  it('does not open a credential copied to another provider', async () => {
    const content = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
    const stolen = content.providers.find((p) => p.id === 'prov-fake')!.credential;
    const providers = [
      ...content.providers.filter((p) => p.id !== 'prov-fake'),
      // Same URL, another id: the sealed value names the original provider.
      provider({ id: 'prov-copy', name: 'fake-openai', kind: 'openai-compatible', baseUrl: evil.baseUrl, credential: stolen }),
    ];
    const models = content.models.map((m) => ({
      ...m,
      deployments: m.deployments.map((d) => (d.providerId === 'prov-fake' ? { ...d, providerId: 'prov-copy' } : d)),
    }));
    await publishSnapshot(h.bus, buildSnapshot({ ...content, version: 3, providers, models }));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(3), { timeout: 15_000 });
    expect((await h.chat(chatBody())).status).toBe(503);
    expect(evil.requests).toHaveLength(0);
  });
});
