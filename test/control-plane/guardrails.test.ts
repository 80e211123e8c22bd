import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { guardrailSecretBinding } from '../../shared/snapshot/guardrail.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { publishedSnapshot } from '../support/published-snapshot.ts';

// Guardrails over GraphQL: refused at save time when a pattern could backtrack or RE2 cannot run
// it, audited without the webhook secret, carried in the snapshot, and enforced by a data plane.

const FIELDS =
  'id name teamId planId stage streamMode kind denyPatterns denyKeywords piiAction piiEntities maxPromptTokens webhookUrl webhookTimeoutMs webhookFailOpen';
const secretBox = createSecretBox(parseSecretKeys(TEST_SECRET_KEY));

describe('guardrails over GraphQL', () => {
  let cp: ControlPlaneHarness;
  let data: DataPlane;
  let admin: GqlKit;
  let teamId: string;
  let planId: string;
  let apiKey: string;

  beforeAll(async () => {
    cp = await startControlPlaneHarness();
    data = await startDataPlane({ bus: cp.bus, host: '127.0.0.1', port: 0, secretBox, maxBodyBytes: 1024 * 1024 });
    admin = gqlKit(cp);
    planId = (await admin.plan({ name: 'guarded' })).id;
    teamId = (await admin.team({ slug: 'guarded-team', name: 'Guarded', planId })).id;
    apiKey = (await admin.apiKey({ teamId })).secret;
  });
  afterAll(async () => {
    await data?.close();
    await cp?.close();
  });

  const storedSnapshot = async () => {
    const parsed = parseSnapshot((await publishedSnapshot(cp.bus)).json);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.snapshot;
  };

  it('refuses a catastrophic or unsupported pattern when it is saved, with a typed validation error naming it', async () => {
    const refused = await admin.mutate(
      'createGuardrail',
      { input: { teamId, name: 'bad', stage: 'PRE', kind: 'DENY_LIST', denyPatterns: ['ok\\s+word', '(a+)+$', '(x)\\1', '(?=lookahead)'] } },
      FIELDS,
    );
    expect(refused.typename).toBe('ValidationError');
    expect(refused.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['denyPatterns.1', 'denyPatterns.2', 'denyPatterns.3']);
    expect(refused.error.issues[0].message).toMatch(/nested quantifiers/);
    expect(refused.error.issues[1].message).toMatch(/not a valid RE2 pattern/);
    expect(await cp.database.prisma.guardrail.count()).toBe(0);
  });

  it('refuses settings that do not fit the kind: masking answers, a deny list with nothing in it, both or neither owner', async () => {
    const cases = [
      { teamId, name: 'x', stage: 'BOTH', kind: 'PII', piiAction: 'MASK', piiEntities: ['EMAIL'] },
      { teamId, name: 'x', stage: 'PRE', kind: 'DENY_LIST' },
      { teamId, planId, name: 'x', stage: 'PRE', kind: 'MAX_PROMPT_TOKENS', maxPromptTokens: 5 },
      { name: 'x', stage: 'PRE', kind: 'MAX_PROMPT_TOKENS', maxPromptTokens: 5 },
      { teamId, name: 'x', stage: 'PRE', kind: 'WEBHOOK', webhookUrl: 'https://hooks.example.com/check' },
    ];
    for (const input of cases) expect((await admin.mutate('createGuardrail', { input }, FIELDS)).typename, JSON.stringify(input)).toBe('ValidationError');
  });

  it('creates, audits, publishes, updates and deletes guardrails; the data plane enforces them', async () => {
    const mask = await admin.ok(
      'createGuardrail',
      { input: { teamId, name: 'mask-mail', stage: 'PRE', kind: 'PII', piiAction: 'MASK', piiEntities: ['EMAIL', 'CARD'] } },
      FIELDS,
    );
    expect(mask).toMatchObject({ teamId, planId: null, stage: 'PRE', streamMode: 'BUFFER', kind: 'PII', piiAction: 'MASK', piiEntities: ['CARD', 'EMAIL'] });
    const hook = await admin.ok(
      'createGuardrail',
      {
        input: {
          planId,
          name: 'plan-hook',
          stage: 'BOTH',
          kind: 'WEBHOOK',
          webhookUrl: 'https://hooks.example.com/check',
          webhookSecret: 'whsec_0123456789abcdef',
          webhookFailOpen: true,
        },
      },
      `${FIELDS} createdAt`,
    );
    expect(hook).toMatchObject({ planId, webhookUrl: 'https://hooks.example.com/check', webhookTimeoutMs: 2000, webhookFailOpen: true });
    expect(JSON.stringify(hook)).not.toContain('whsec_');

    const audit = await cp.database.prisma.auditLogEntry.findMany({ where: { entity: 'Guardrail' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((entry) => entry.action)).toEqual(['createGuardrail', 'createGuardrail']);
    expect(JSON.stringify(audit)).not.toContain('whsec_');

    const snapshot = await storedSnapshot();
    const carried = snapshot.guardrails.find((guardrail) => guardrail.id === hook.id)!;
    expect(carried).toMatchObject({ name: 'plan-hook', planId, teamId: null, stage: 'both', check: { kind: 'webhook', failOpen: true } });
    // Sealed in the snapshot, bound to the guardrail.
    if (carried.check.kind !== 'webhook') throw new Error('not a webhook');
    expect(carried.check.secret).not.toContain('whsec_');
    expect(secretBox.open(carried.check.secret, guardrailSecretBinding(hook.id))).toBe('whsec_0123456789abcdef');

    const client = new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey, maxRetries: 0 });
    await vi.waitFor(async () => {
      // The demo model's mock provider echoes the prompt: what it got is what comes back.
      const answer = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'write to jane@example.com' }] });
      expect(answer.choices[0].message.content).toContain('[EMAIL]');
    });

    await admin.ok('deleteGuardrail', { id: hook.id });
    await admin.ok('updateGuardrail', { id: mask.id, input: { kind: 'DENY_LIST', denyKeywords: ['classified'] } }, FIELDS);
    expect((await admin.query('guardrails', { teamId }, 'name kind denyKeywords piiAction')).result).toEqual([
      { name: 'mask-mail', kind: 'DENY_LIST', denyKeywords: ['classified'], piiAction: null },
    ]);
    await vi.waitFor(async () => {
      const error = await client.chat.completions
        .create({ model: 'demo', messages: [{ role: 'user', content: 'the classified file' }] })
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 400, code: 'guardrail_blocked' });
    });
    expect((await storedSnapshot()).guardrails.map((guardrail) => guardrail.name)).toEqual(['mask-mail']);
  });
});
