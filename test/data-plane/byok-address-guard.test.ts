import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAllowedAddress, parseAllowedRanges } from '../../data-plane/providers/address-guard.ts';
import { buildSnapshot, contentOf, deployment, model, provider, publishSnapshot } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, KEYS, MINI_PRICE, scenarioSnapshot, startHarness, UPSTREAM_KEY } from './harness.ts';

// SSRF through team-owned (bring-your-own-key) providers: they may only reach public addresses,
// checked on the addresses each new connection really uses (after DNS, and for literal IPs), unless
// the operator allows a range. Platform providers are not restricted. The fake upstream listens on
// 127.0.0.1, which is exactly what a team must not be able to reach.

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

/** Publishes one team-owned (team `other`) model per base URL, named byok-0, byok-1... */
async function publishByok(h: Harness, baseUrls: string[]) {
  const base = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
  const providers = baseUrls.map((baseUrl, i) =>
    provider({
      id: `prov-byok-${i}`,
      name: `byok-${i}`,
      kind: 'openai-compatible',
      baseUrl,
      seal: { box: h.secretBox, secret: UPSTREAM_KEY },
      teamId: 'other',
    }),
  );
  const models = baseUrls.map((_, i) =>
    model({
      id: `model-byok-${i}`,
      name: `byok-${i}`,
      price: MINI_PRICE,
      deployments: [deployment({ id: `dep-byok-${i}`, providerId: `prov-byok-${i}`, upstreamModel: 'gpt-4o-mini' })],
    }),
  );
  await publishSnapshot(h.bus, buildSnapshot({ ...base, providers: [...base.providers, ...providers], models: [...base.models, ...models], version: 2 }));
  await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
}

describe('team-owned providers reach public addresses only', () => {
  it('refuses loopback (by IP, by name, IPv6, IPv4-mapped), link-local metadata and private ranges, before sending anything', async () => {
    harness = await startHarness();
    const port = harness.upstream.port;
    const targets = [
      harness.upstream.baseUrl, // http://127.0.0.1:<port>/v1
      `http://localhost:${port}/v1`, // a name: judged after DNS resolution
      `http://[::1]:${port}/v1`,
      `http://[::ffff:127.0.0.1]:${port}/v1`,
      'http://169.254.169.254/latest',
      'http://10.0.0.1/v1',
      'http://192.168.1.1/v1',
      'https://172.16.0.1/v1',
      'http://100.64.0.1/v1',
      'http://[fd00::1]/v1',
    ];
    await publishByok(harness, targets);
    for (let i = 0; i < targets.length; i++) {
      const response = await harness.chat(chatBody({ model: `byok-${i}` }), { key: KEYS.other });
      const body = (await response.json()) as any;
      expect(response.status, targets[i]).toBe(502);
      expect(body.error.code, targets[i]).toBe('upstream_address_forbidden');
      expect(JSON.stringify(body)).not.toContain(UPSTREAM_KEY);
    }
    expect(harness.upstream.requests).toHaveLength(0);
    // The same upstream as a platform provider is served: only team-owned providers are guarded.
    expect((await harness.chat(chatBody({ model: 'gpt-4o-mini' }), { key: KEYS.acme })).status).toBe(200);
    expect(harness.upstream.requests).toHaveLength(1);
  });

  it('reaches a range the operator allowed, and still nothing else', async () => {
    harness = await startHarness({ upstream: { byokAllowedCidrs: ['127.0.0.0/8', '::1'] } });
    await publishByok(harness, [harness.upstream.baseUrl, `http://localhost:${harness.upstream.port}/v1`, 'http://169.254.169.254/v1']);
    expect((await harness.chat(chatBody({ model: 'byok-0' }), { key: KEYS.other })).status).toBe(200);
    expect((await harness.chat(chatBody({ model: 'byok-1' }), { key: KEYS.other })).status).toBe(200);
    const metadata = await harness.chat(chatBody({ model: 'byok-2' }), { key: KEYS.other });
    expect(((await metadata.json()) as any).error.code).toBe('upstream_address_forbidden');
  });

  it('classifies addresses: special-purpose ranges refused, public unicast allowed, allowed ranges win', () => {
    const none = parseAllowedRanges([]).list;
    for (const address of [
      '0.0.0.0',
      '127.1.2.3',
      '10.255.0.1',
      '172.31.255.255',
      '192.168.0.10',
      '169.254.169.254',
      '100.100.100.200',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2002:a00:1::1',
      'ff02::1',
    ]) {
      expect(isAllowedAddress(address, none), address).toBe(false);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isAllowedAddress(address, none), address).toBe(true);
    }
    const allowed = parseAllowedRanges(['10.1.0.0/16', 'fd00::/8']);
    expect(allowed.problems).toEqual([]);
    expect(isAllowedAddress('10.1.2.3', allowed.list)).toBe(true);
    expect(isAllowedAddress('10.2.0.1', allowed.list)).toBe(false);
    expect(isAllowedAddress('fd12::1', allowed.list)).toBe(true);
    expect(parseAllowedRanges(['10.0.0.0/33', 'example.com']).problems).toHaveLength(2);
  });
});
