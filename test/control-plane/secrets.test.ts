import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createSecretBox, parseSecretKeys, providerBinding } from '../../shared/crypto/secret-box.ts';
import { hashSecret } from '../../shared/keys/api-key.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_ADMIN_KEY, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { gqlKit } from '../support/gql-kit.ts';
import { publishedSnapshot } from '../support/published-snapshot.ts';

// Secrets: provider credentials, API key secrets, management tokens and the admin key never show
// in raw rows (credentials sealed, the rest hashed), API responses, logs, audit entries or
// snapshots; the one exception is the sealed credential in the snapshot, which opens only with
// TOLLGATE_SECRET_KEY (the data plane's copy).

forEachDatabase((target) => {
  let cp: ControlPlaneHarness;
  const logged: string[] = [];
  const responses: string[] = [];
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    // Everything the process writes from here on is kept and searched.
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        logged.push(String(chunk));
        return (write as any)(chunk, ...rest);
      }) as any);
    }
    cp = await startControlPlaneHarness(target.options);
    const k = gqlKit(cp);
    const record = <T>(value: T) => {
      responses.push(JSON.stringify(value));
      return value;
    };
    const team = record(await k.team({ slug: 'secretive' }));
    secrets.providerCredential = 'sk-provider-CLEARTEXT-1';
    secrets.rotatedCredential = 'sk-provider-CLEARTEXT-2';
    secrets.byokCredential = 'sk-byok-CLEARTEXT-3';
    const provider = record(
      await k.ok('createProvider', { input: { name: 'upstream', kind: 'OPENAI', apiKey: secrets.providerCredential } }, 'id hasCredential credentialKeyId'),
    );
    record(await k.ok('updateProvider', { input: { id: provider.id, apiKey: secrets.rotatedCredential } }, 'id hasCredential'));
    record(await k.ok('createProvider', { input: { name: 'byok', kind: 'ANTHROPIC', apiKey: secrets.byokCredential, teamId: team.id } }, 'id'));
    // A refused input that carried a credential: the error answer must not echo it either.
    record(await k.mutate('createProvider', { input: { name: 'bad name!', kind: 'OPENAI', apiKey: 'sk-refused-CLEARTEXT-4' } }));
    secrets.refusedCredential = 'sk-refused-CLEARTEXT-4';
    const key = await k.apiKey({ teamId: team.id });
    secrets.apiKey = key.secret;
    const rotated = await k.ok('rotateApiKey', { id: key.apiKey.id }, 'secret');
    secrets.rotatedApiKey = rotated.secret;
    const member = await k.member(team.id, 'OWNER');
    secrets.memberToken = member.token;
    const rotatedToken = await k.ok('rotateMemberToken', { id: member.member.id }, 'token');
    secrets.rotatedMemberToken = rotatedToken.token;
    secrets.adminKey = TEST_ADMIN_KEY;
    // Reads of everything a dashboard would show.
    for (const query of [
      '{ providers { edges { node { id name kind baseUrl hasCredential credentialKeyId team { id } } } } }',
      '{ apiKeys { edges { node { id name prefix status previousSecretExpiresAt } } } }',
      '{ members(teamId: "' + team.id + '") { edges { node { id email tokenPrefix } } } }',
      '{ auditLog { edges { node { action entity changes } } } }',
      '{ currentSnapshot { version hash } }',
    ])
      responses.push(JSON.stringify(await cp.gql(query)));
  });
  afterAll(async () => {
    await cp?.close();
    vi.restoreAllMocks();
  });

  it('keeps provider credentials sealed in the database, under the current key id', async () => {
    const rows = await cp.database.prisma.$queryRawUnsafe<{ id: string; name: string; baseUrl: string | null; credentialCiphertext: string }[]>(
      'SELECT id, name, "baseUrl", "credentialCiphertext" FROM "Provider" WHERE "credentialCiphertext" IS NOT NULL',
    );
    expect(rows.map((r) => r.name).sort()).toEqual(['byok', 'upstream']);
    const box = createSecretBox(parseSecretKeys(TEST_SECRET_KEY));
    for (const row of rows) {
      expect(row.credentialCiphertext).toMatch(/^v2\.test\./);
      for (const secret of Object.values(secrets)) expect(row.credentialCiphertext).not.toContain(secret);
    }
    const upstream = rows.find((r) => r.name === 'upstream')!;
    expect(box.open(upstream.credentialCiphertext, providerBinding(upstream))).toBe(secrets.rotatedCredential);
  });

  it('stores keys and tokens as hashes only', async () => {
    const keys = await cp.database.prisma.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "ApiKey"');
    const members = await cp.database.prisma.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "Member"');
    const settings = await cp.database.prisma.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "Setting"');
    const dump = JSON.stringify([keys, members, settings]);
    for (const secret of Object.values(secrets)) expect(dump).not.toContain(secret);
    expect(dump).toContain(hashSecret(secrets.rotatedApiKey));
    expect(dump).toContain(hashSecret(secrets.apiKey)); // the rotated-out hash, for the grace period
  });

  it('never returns a secret after creation, in any API answer', () => {
    expect(responses.length).toBeGreaterThan(5);
    const all = responses.join('\n');
    for (const secret of Object.values(secrets)) expect(all).not.toContain(secret);
  });

  it('masks secrets in audit entries', async () => {
    const rows = await cp.database.prisma.auditLogEntry.findMany();
    const dump = JSON.stringify(rows);
    for (const secret of Object.values(secrets)) expect(dump).not.toContain(secret);
    const providerEntries = rows.filter((r) => r.entity === 'Provider' && (r.changes as any)?.apiKey !== undefined);
    expect(providerEntries.length).toBe(3);
    for (const entry of providerEntries) expect((entry.changes as any).apiKey).toBe('[redacted]');
  });

  it('puts only sealed credentials and hashes in snapshots, stored and on the bus', async () => {
    const stored = await cp.database.prisma.snapshot.findMany();
    const onBus = (await publishedSnapshot(cp.bus)).texts.join('\n');
    const dump = JSON.stringify(stored) + onBus;
    for (const secret of Object.values(secrets)) expect(dump).not.toContain(secret);
    expect(onBus).toMatch(/"credential":"v2\.test\./);
  });

  it('writes no secret to the logs', () => {
    const all = logged.join('\n');
    for (const secret of Object.values(secrets)) expect(all).not.toContain(secret);
  });
});
