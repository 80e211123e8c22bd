import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertChannelBinding } from '../../control-plane/domain/alerts/alert-channels.ts';
import { startControlPlane } from '../../control-plane/server.ts';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { createSecretBox, parseSecretKeys, providerBinding } from '../../shared/crypto/secret-box.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_ADMIN_KEY, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { gqlKit } from '../support/gql-kit.ts';
import { publishedSnapshot } from '../support/published-snapshot.ts';
import { isReachable, postgresUrl, requireOrSkip } from '../support/services.ts';

// Credentials are sealed bound to their provider's id and base URL; a new base URL re-seals the
// kept credential; credentials sealed before the binding existed (v1) are re-sealed at start.
const up = await requireOrSkip('PostgreSQL', isReachable(postgresUrl()));
const box = createSecretBox(parseSecretKeys(TEST_SECRET_KEY));

/** The pre-0.2 sealed form: AES-256-GCM without associated data. */
function sealV1(plaintext: string): string {
  const [{ id, key }] = parseSecretKeys(TEST_SECRET_KEY);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', id, ...[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'))].join('.');
}

describe.skipIf(!up)('credential sealing', () => {
  let cp: ControlPlaneHarness;
  const row = async (id: string) => await cp.database.prisma.provider.findUniqueOrThrow({ where: { id } });
  beforeAll(async () => {
    cp = await startControlPlaneHarness({ postgresUrl: postgresUrl() });
  });
  afterAll(() => cp?.close());

  it('binds a new credential to the provider, and re-seals it when the base URL changes', async () => {
    const k = gqlKit(cp);
    const { id } = await k.provider({ name: 'bound', kind: 'OPENAI_COMPATIBLE', baseUrl: 'https://one.example.com/v1', apiKey: 'sk-bound' });
    const first = await row(id);
    expect(box.open(first.credentialCiphertext!, providerBinding(first))).toBe('sk-bound');
    expect(() => box.open(first.credentialCiphertext!, providerBinding({ id, baseUrl: 'https://two.example.com/v1' }))).toThrow(/does not open/);
    await k.ok('updateProvider', { input: { id, baseUrl: 'https://two.example.com/v1' } }, 'id');
    const moved = await row(id);
    expect(moved.baseUrl).toBe('https://two.example.com/v1');
    expect(box.open(moved.credentialCiphertext!, providerBinding(moved))).toBe('sk-bound');
  });

  it('re-seals legacy unbound credentials at start, before the first snapshot', async () => {
    const { id } = await gqlKit(cp).provider({ name: 'legacy', kind: 'OPENAI_COMPATIBLE', baseUrl: 'https://legacy.example.com/v1', apiKey: 'x' });
    await cp.database.prisma.provider.update({ where: { id }, data: { credentialCiphertext: sealV1('sk-legacy') } });
    // A second control plane on the same database: it starts like an upgraded one.
    // Its own in-process bus: the memory bus serves one usage consumer.
    const bus = createMemoryBus();
    const replica = await startControlPlane({
      prisma: cp.database.prisma,
      ledger: cp.database.ledger,
      bus,
      secretBox: box,
      adminKeyHash: 'x',
      host: '127.0.0.1',
      port: 0,
      defaultMetrics: false,
      heartbeatIntervalMs: 0,
      snapshotCheckIntervalMs: 0,
    });
    try {
      const resealed = await row(id);
      expect(resealed.credentialCiphertext).toMatch(/^v2\.test\./);
      expect(box.open(resealed.credentialCiphertext!, providerBinding(resealed))).toBe('sk-legacy');
      const parsed = parseSnapshot((await publishedSnapshot(bus)).json);
      expect(parsed.ok && parsed.snapshot.providers.find((p) => p.id === id)?.credential).toBe(resealed.credentialCiphertext);
    } finally {
      await replica.close();
      await bus.close();
    }
  });

  it('retires an old secret key: resealProviderCredentials re-seals provider credentials and alert channel secrets under the new one', async () => {
    const k = gqlKit(cp);
    const { id: providerId } = await k.provider({
      name: 'rotated',
      kind: 'OPENAI_COMPATIBLE',
      baseUrl: 'https://rotated.example.com/v1',
      apiKey: 'sk-rotated',
    });
    const created = await cp.gql(
      `mutation($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) { ... on MutationCreateAlertChannelSuccess { data { id } } } }`,
      { input: { name: 'rotated hook', kind: 'WEBHOOK', url: 'https://hooks.example.com/rotated', secret: 'whsec-rotated-0123456789', events: ['BUDGET'] } },
    );
    const channelId: string = created.data.createAlertChannel.data.id;
    // The operator puts a new key first and keeps the old one after it, then restarts.
    const newKey = `next:${Buffer.alloc(32, 9).toString('base64')}`;
    const rotated = createSecretBox(parseSecretKeys(`${newKey},${TEST_SECRET_KEY}`));
    const onlyNew = createSecretBox(parseSecretKeys(newKey));
    const bus = createMemoryBus();
    const replica = await startControlPlane({
      prisma: cp.database.prisma,
      ledger: cp.database.ledger,
      bus,
      secretBox: rotated,
      adminKeyHash: (await cp.database.prisma.setting.findUniqueOrThrow({ where: { key: 'adminKeyHash' } })).value,
      host: '127.0.0.1',
      port: 0,
      defaultMetrics: false,
      heartbeatIntervalMs: 0,
      snapshotCheckIntervalMs: 0,
    });
    try {
      const reseal = async () => {
        const response = await fetch(replica.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
          body: JSON.stringify({ query: 'mutation { resealProviderCredentials { ... on MutationResealProviderCredentialsSuccess { data } } }' }),
        });
        return ((await response.json()) as any).data.resealProviderCredentials.data as number;
      };
      // This provider's credential, and the channel's URL and secret, at least.
      expect(await reseal()).toBeGreaterThanOrEqual(3);
      const provider = await row(providerId);
      expect(provider.credentialCiphertext).toMatch(/^v2\.next\./);
      expect(onlyNew.open(provider.credentialCiphertext!, providerBinding(provider))).toBe('sk-rotated');
      const channel = await cp.database.prisma.alertChannel.findUniqueOrThrow({ where: { id: channelId } });
      expect(onlyNew.open(channel.urlCiphertext, alertChannelBinding(channelId, 'url'))).toBe('https://hooks.example.com/rotated');
      expect(onlyNew.open(channel.secretCiphertext!, alertChannelBinding(channelId, 'secret'))).toBe('whsec-rotated-0123456789');
      // Nothing is left under the old key, and a second run has nothing to do.
      const providers = await cp.database.prisma.provider.findMany({ where: { credentialCiphertext: { not: null } } });
      expect(providers.every((p) => p.credentialCiphertext!.startsWith('v2.next.'))).toBe(true);
      expect(await reseal()).toBe(0);
    } finally {
      await replica.close();
      await bus.close();
    }
  });
});
