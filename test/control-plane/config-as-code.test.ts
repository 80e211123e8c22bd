import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../control-plane/domain/config/config-schema.ts';
import { readControlPlaneEnv } from '../../control-plane/env.ts';
import { startControlPlaneFromEnv } from '../../control-plane/start.ts';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { providerBinding } from '../../shared/crypto/secret-box.ts';
import { type ControlPlaneHarness, pgliteTemplate, startControlPlaneHarness, TEST_ADMIN_KEY, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { publishedSnapshot } from '../support/published-snapshot.ts';

// Config as code (docs/config-as-code.md): export -> apply into an empty database -> export gives
// the same file; the dry run's exact diff; broken files refused with line and column and nothing
// applied, including a domain rule failing halfway through the transaction.

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** The CLI as a user runs it, against a harness's control plane. */
async function cli(cp: ControlPlaneHarness, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'control-plane/bootstrap/config-cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', CONTROL_PLANE_URL: cp.controlPlane.url, TOLLGATE_ADMIN_KEY: TEST_ADMIN_KEY, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const APPLY = `mutation($input: ApplyConfigInput!) { applyConfig(input: $input) {
  __typename ... on MutationApplyConfigSuccess { data { changes applied } }
  ... on ConfigFileError { issues { line column path message } } ... on Error { message } } }`;

async function apply(cp: ControlPlaneHarness, yaml: string, options: Record<string, unknown> = {}) {
  const body = await cp.gql(APPLY, { input: { yaml, env: [{ name: 'OPENAI_KEY', value: 'sk-one' }], ...options } });
  expect(body.errors).toBeUndefined();
  return body.data.applyConfig;
}

const exportConfig = async (cp: ControlPlaneHarness) => (await cp.gql('{ exportConfig }')).data.exportConfig as string;
const auditCount = async (cp: ControlPlaneHarness) => cp.database.prisma.auditLogEntry.count();

/** Every section, a team's own provider, budgets at both levels, a chain a model points at. */
const FULL = `version: 1
routing:
  maxAttempts: 3
  timeouts: { firstByteMs: 20000 }
  cooldown: { failures: 2 }
routingProfiles:
  - { name: eco, strategy: cost, description: cheapest first }
providers:
  - { name: openai, kind: openai, apiKey: "\${OPENAI_KEY}" }
  - { name: acme-own, kind: openai-compatible, baseUrl: "https://llm.acme.example/v1/", team: acme }
models:
  - name: gpt-4o
    aliases: [gpt4o]
    tags: [frontier]
    contextWindow: 128000
    capabilities: { tools: true, embeddings: false }
    fallbackChain: to-demo
    price: { inputPerMillion: 2500000, outputPerMillion: 10000000, cachedInputPerMillion: 1250000 }
    deployments:
      - { provider: openai, upstreamModel: gpt-4o-2024-08-06, weight: 3, limits: { rpm: 100 }, timeouts: { firstByteMs: 30000 }, price: { inputPerMillion: 2000000, outputPerMillion: 8000000 } }
      - { provider: acme-own, upstreamModel: gpt-4o, extraParameters: [top_k, repetition_penalty] }
    budgets: [{ period: monthly, amountMicroUsd: 900000000, alertThresholds: [90, 50] }]
fallbackChains:
  - { name: to-demo, models: [gpt-4o, demo], triggers: [server_error, rate_limit] }
plans:
  - name: pro
    allowedModels: [gpt-4o, demo]
    limits: { rpm: 600, tpm: 100000 }
    budget: { period: monthly, amountMicroUsd: 50000000, hard: false }
    markupBasisPoints: 1000
    billing: prepaid
    routingProfile: eco
  - { name: free, allowedModels: [demo] }
teams:
  - slug: acme
    name: Acme
    plan: pro
    logPrompts: true
    systemPrompt: Be brief.
    budgets: [{ period: daily, amountMicroUsd: 1000000 }]
  - { slug: blocked-co, name: Blocked Co, blocked: true, plan: free, fallbackChain: to-demo }
`;

forEachDatabase((target) => {
  let a: ControlPlaneHarness;
  let b: ControlPlaneHarness;
  let dir: string;
  beforeAll(async () => {
    [a, b] = await Promise.all([startControlPlaneHarness(target.options), startControlPlaneHarness(target.options)]);
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-config-'));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  // Three CLI processes: slow on a loaded machine.
  it('export, apply into an empty database, export again: the same file; a second apply changes nothing', { timeout: 120_000 }, async () => {
    const first = await apply(a, FULL);
    expect(first.__typename, JSON.stringify(first)).toBe('MutationApplyConfigSuccess');
    expect(first.data.applied).toBe(true);
    // A deployment priced from the catalogue (over GraphQL) is exported with the price it got.
    const gpt4o = await a.database.prisma.model.findUniqueOrThrow({ where: { name: 'gpt-4o' } });
    const openai = await a.database.prisma.provider.findUniqueOrThrow({ where: { name: 'openai' } });
    const catalogued = await a.gql(
      `mutation($m: ID!, $p: ID!) { createDeployment(input: { modelId: $m, providerId: $p, upstreamModel: "gpt-4o-mini", fromCatalogue: true }) { __typename } }`,
      { m: gpt4o.id, p: openai.id },
    );
    expect(catalogued.data.createDeployment.__typename).toBe('MutationCreateDeploymentSuccess');

    const exported = await cli(a, ['export']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('apiKey: ${TOLLGATE_PROVIDER_OPENAI_API_KEY}');
    expect(exported.stdout).not.toContain('sk-one');
    expect(exported.stdout).toContain(
      'price:\n          inputPerMillion: 2000000\n          outputPerMillion: 8000000\n          cachedInputPerMillion: 2000000\n',
    );
    expect(exported.stdout).toMatch(/upstreamModel: gpt-4o-mini\n {8}weight: 1\n {8}price:\n {10}inputPerMillion: [1-9]/);
    expect(exported.stdout).toContain(
      'upstreamModel: gpt-4o\n        weight: 1\n        extraParameters:\n          - top_k\n          - repetition_penalty\n',
    );
    const file = path.join(dir, 'tollgate.yaml');
    await writeFile(file, exported.stdout);

    const applied = await cli(b, ['apply', file], { TOLLGATE_PROVIDER_OPENAI_API_KEY: 'sk-one' });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/applied \d+ change\(s\)/);
    expect(await exportConfig(b)).toBe(exported.stdout);
    const own = await b.database.prisma.deployment.findFirstOrThrow({ where: { provider: { name: 'acme-own' } } });
    expect(own.extraParameters).toEqual(['top_k', 'repetition_penalty']);

    // The credential itself arrived (sealed) and the data plane's snapshot carries the objects.
    const provider = await b.database.prisma.provider.findUniqueOrThrow({ where: { name: 'openai' } });
    expect(b.controlPlane.services.secretBox.open(provider.credentialCiphertext!, providerBinding(provider))).toBe('sk-one');
    const snapshot = await b.database.prisma.snapshot.findFirstOrThrow({ orderBy: { version: 'desc' } });
    expect(JSON.parse(snapshot.body ?? '{}').models.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(['gpt-4o', 'demo']));

    const audits = await auditCount(b);
    const versions = await b.database.prisma.snapshot.count();
    const again = await cli(b, ['apply', file], { TOLLGATE_PROVIDER_OPENAI_API_KEY: 'sk-one' });
    expect(again.stdout.trim()).toBe('no changes');
    expect(await auditCount(b)).toBe(audits);
    expect(await b.database.prisma.snapshot.count()).toBe(versions);
  });

  it('cache policies of plans and teams: applied into the snapshot, exported, unchanged on a second apply, removed when the file drops them', async () => {
    const cached = `version: 1
plans:
  - { name: cached, cache: { ttlSeconds: 3600, hitPriceMicroUsd: 100 } }
teams:
  - { slug: cached-team, name: Cached, plan: cached, cache: { ttlSeconds: 600, deterministicOnly: false } }
`;
    expect((await apply(b, cached)).data.applied).toBe(true);
    const rows = await b.database.prisma.cachePolicy.findMany({ orderBy: { scope: 'asc' } });
    expect(rows.map((row) => [row.scope, row.ttlSeconds, row.deterministicOnly, row.hitPriceMicroUsd])).toEqual([
      ['plan', 3600, true, 100n],
      ['team', 600, false, 0n],
    ]);
    const snapshot = await b.database.prisma.snapshot.findFirstOrThrow({ orderBy: { version: 'desc' } });
    expect(
      JSON.parse(snapshot.body ?? '{}')
        .cachePolicies.map((policy: { id: string }) => policy.id)
        .sort(),
    ).toEqual(rows.map((row) => row.id).sort());
    const exported = await exportConfig(b);
    expect(exported).toMatch(/name: cached\n(.*\n)*?\s+cache:\n\s+ttlSeconds: 3600\n(\s+\w+: .*\n)*?\s+hitPriceMicroUsd: 100/);
    expect((await apply(b, cached)).data).toEqual({ changes: [], applied: false });

    expect((await apply(b, cached.replace(/, cache: \{[^}]*\}/g, ''))).data.applied).toBe(true);
    expect(await b.database.prisma.cachePolicy.count()).toBe(0);
  });

  it('guardrails of plans and teams: applied through the domain (audited, in the snapshot), exported, unchanged on a second apply, removed when dropped', async () => {
    const guarded = `version: 1
plans:
  - name: guarded
    guardrails:
      - { name: no-pii, stage: pre, kind: pii, piiAction: mask, piiEntities: [phone, email] }
teams:
  - slug: guarded-team
    name: Guarded
    plan: guarded
    guardrails:
      - { name: deny, stage: both, streamMode: flow, kind: deny_list, denyKeywords: [forbidden] }
      - { name: hook, stage: pre, kind: webhook, webhookUrl: "https://hooks.example.com/check", webhookSecret: "\${HOOK_SECRET}" }
`;
    const env = [
      { name: 'OPENAI_KEY', value: 'sk-one' },
      { name: 'HOOK_SECRET', value: 'whsec-config-0123456789' },
    ];
    expect((await apply(b, guarded, { env })).data.applied).toBe(true);
    const rows = await b.database.prisma.guardrail.findMany({ orderBy: { name: 'asc' } });
    expect(rows.map((row) => [row.name, row.kind, row.stage, row.planId !== null, row.secretCiphertext !== null])).toEqual([
      ['deny', 'deny_list', 'both', false, false],
      ['hook', 'webhook', 'pre', false, true],
      ['no-pii', 'pii', 'pre', true, false],
    ]);
    const snapshot = await b.database.prisma.snapshot.findFirstOrThrow({ where: { body: { not: null } }, orderBy: { version: 'desc' } });
    const latest = await b.database.prisma.snapshot.findFirstOrThrow({ orderBy: { version: 'desc' } });
    expect(latest.version).toBe(snapshot.version);
    expect(
      JSON.parse(snapshot.body!)
        .guardrails.map((g: { name: string }) => g.name)
        .sort(),
    ).toEqual(['deny', 'hook', 'no-pii']);
    expect(await b.database.prisma.auditLogEntry.count({ where: { entity: 'Guardrail' } })).toBeGreaterThanOrEqual(3);
    const exported = await exportConfig(b);
    expect(exported).toContain('webhookSecret: ${TOLLGATE_GUARDRAIL_TEAM_GUARDED_TEAM_HOOK_SECRET}');
    expect(exported).not.toContain('whsec-config');
    // The same file again: nothing to do (the secret compares as set, never by value).
    expect((await apply(b, guarded, { env })).data).toEqual({ changes: [], applied: false });
    // A missing variable is refused with its place, and nothing changes.
    const refused = await apply(b, guarded, { env: [] });
    expect(refused.__typename).toBe('ConfigFileError');
    expect(JSON.stringify(refused.issues)).toContain('HOOK_SECRET');

    expect((await apply(b, guarded.replace(/\n {4}guardrails:\n( {6}- .*\n)+/g, '\n'), { env })).data.applied).toBe(true);
    expect(await b.database.prisma.guardrail.count()).toBe(0);
  });

  it('routing defaults: carried by the snapshot, left alone when the file has none, unset with --prune', async () => {
    // b's whole configuration (so --prune deletes nothing else), its routing defaults replaced.
    const env = { env: [{ name: 'TOLLGATE_PROVIDER_OPENAI_API_KEY', value: 'sk-one' }] };
    const applied = async (yaml: string, options: Record<string, unknown> = {}) => {
      const result = await apply(b, yaml, { ...env, ...options });
      expect(result.__typename, JSON.stringify(result)).toBe('MutationApplyConfigSuccess');
      return result.data as { changes: string[]; applied: boolean };
    };
    const routed = (await exportConfig(b)).replace(/\nrouting:\n( {2}.*\n)+/, '\nrouting:\n  maxAttemptsPerModel: 1\n  retryBackoffMs: 50\n');
    expect((await applied(routed)).changes).toContain('~ routing defaults: maxAttemptsPerModel: null -> 1');
    // Since snapshot 2.1; left out of the published JSON while empty.
    const carried = async () => (JSON.parse((await publishedSnapshot(b.bus)).json).routingDefaults ?? []) as unknown[];
    expect(await carried()).toEqual([expect.objectContaining({ scope: 'platform', maxAttemptsPerModel: 1, maxAttempts: null, retryBackoffMs: 50 })]);
    expect(await exportConfig(b)).toBe(routed);

    const without = routed.replace(/\nrouting:\n( {2}.*\n)+/, '\n');
    expect(await applied(without)).toEqual({ changes: [], applied: false });
    expect(await applied(without, { prune: true })).toEqual({ changes: ['- routing defaults'], applied: true });
    expect(await carried()).toEqual([]);
    expect(await exportConfig(b)).toBe(without);
  });

  it('--dry-run prints the exact diff and changes nothing; the same apply then makes exactly it', async () => {
    const before = await exportConfig(a);
    const changed = FULL.replace('inputPerMillion: 2500000', 'inputPerMillion: 2000000')
      .replace('maxAttempts: 3', 'maxAttempts: 4')
      .replace('price: { inputPerMillion: 2000000, outputPerMillion: 8000000 }', 'price: { inputPerMillion: 1800000, outputPerMillion: 8000000 }')
      .replace(
        '- { slug: blocked-co, name: Blocked Co, blocked: true, plan: free, fallbackChain: to-demo }',
        '- { slug: blocked-co, name: Blocked Co, plan: pro }',
      )
      .replace('budgets: [{ period: daily, amountMicroUsd: 1000000 }]', 'budgets: [{ period: weekly, amountMicroUsd: 5000000 }]')
      .replace('  - { name: free, allowedModels: [demo] }\n', '')
      .replace('teams:\n', 'teams:\n  - { slug: newco, name: New Co }\n')
      .replace('"${OPENAI_KEY}"', '"${OPENAI_KEY_2}"')
      // What the first start made stays (it is not in FULL, and --prune would delete it).
      .replace('providers:\n', 'providers:\n  - { name: mock, kind: mock }\n')
      .replace(
        'models:\n',
        `models:
  - name: demo
    description: Deterministic answers from the built-in mock provider.
    contextWindow: 8192
    maxOutputTokens: 1024
    capabilities: { embeddings: true }
    price: { inputPerMillion: 500000, outputPerMillion: 1500000, cachedInputPerMillion: 250000 }
    deployments: [{ provider: mock, upstreamModel: mock-1 }]
`,
      )
      .replace('teams:\n', 'teams:\n  - { slug: demo, name: Demo team }\n');
    const body = await a.gql(APPLY, { input: { yaml: changed, env: [{ name: 'OPENAI_KEY_2', value: 'sk-two' }], dryRun: true, prune: true } });
    const diff = body.data.applyConfig.data;
    expect(diff.applied).toBe(false);
    expect(diff.changes).toEqual([
      '~ routing defaults: maxAttempts: 3 -> 4',
      '~ provider openai: apiKey: "(set)" -> "(changed)"',
      '~ model gpt-4o: price: {"inputPerMillion":2500000,"outputPerMillion":10000000,"cachedInputPerMillion":1250000} -> {"inputPerMillion":2000000,"outputPerMillion":10000000,"cachedInputPerMillion":1250000}',
      '~ model gpt-4o deployment openai/gpt-4o-2024-08-06: price: {"inputPerMillion":2000000,"outputPerMillion":8000000,"cachedInputPerMillion":2000000} -> {"inputPerMillion":1800000,"outputPerMillion":8000000,"cachedInputPerMillion":1800000}',
      '- model gpt-4o deployment openai/gpt-4o-mini',
      '- plan free',
      '+ team newco',
      '+ team acme budget weekly',
      '- team acme budget daily',
      '~ team blocked-co: blocked: true -> false',
      '~ team blocked-co: plan: "free" -> "pro"',
      '~ team blocked-co: fallbackChain: "to-demo" -> null',
    ]);
    expect(await exportConfig(a)).toBe(before);

    const done = await a.gql(APPLY, { input: { yaml: changed, env: [{ name: 'OPENAI_KEY_2', value: 'sk-two' }], prune: true } });
    expect(done.data.applyConfig.data).toEqual({ changes: diff.changes, applied: true });
    const after = await exportConfig(a);
    expect(after).toContain('inputPerMillion: 2000000');
    expect(after).not.toContain('name: free');
    expect(after).toContain('slug: newco');
    // The old price version is kept: history is never rewritten.
    const gpt = await a.database.prisma.model.findUniqueOrThrow({ where: { name: 'gpt-4o' }, include: { prices: { where: { deploymentId: null } } } });
    expect(gpt.prices.map((p) => Number(p.inputMicroUsdPerMillion)).sort()).toEqual([2000000, 2500000]);
    // So is the deployment's: a new version, the old one kept.
    const own = await a.database.prisma.modelPrice.findMany({ where: { deployment: { upstreamModel: 'gpt-4o-2024-08-06' } } });
    expect(own.map((p) => Number(p.inputMicroUsdPerMillion)).sort()).toEqual([1800000, 2000000]);
    const entry = await a.database.prisma.auditLogEntry.findFirstOrThrow({ where: { action: 'applyConfig' }, orderBy: { createdAt: 'desc' } });
    expect((entry.changes as { diff: string[] }).diff).toEqual(diff.changes);
    expect(JSON.stringify(entry.changes)).not.toContain('sk-two');
  });

  it('a broken file is refused with line and column, and nothing is applied', async () => {
    const before = await exportConfig(b);
    const audits = await auditCount(b);

    const syntax = await apply(b, 'version: 1\nplans:\n  - name: x\n    allowedModels: [demo\n');
    expect(syntax.__typename).toBe('ConfigFileError');
    expect(syntax.issues[0]).toMatchObject({ line: 5, column: 1 });

    const schema = await apply(b, 'version: 1\nteams:\n  - slug: t1\n    name: T1\n    blocked: maybe\n  - { slug: t2, name: T2, colour: red }\n');
    expect(schema.__typename).toBe('ConfigFileError');
    expect(schema.issues.map((i: any) => [i.line, i.column, i.path])).toEqual([
      [5, 14, 'teams.0.blocked'],
      [6, 5, 'teams.1'],
    ]);

    const literal = await apply(b, 'version: 1\nproviders:\n  - name: p\n    kind: openai\n    apiKey: sk-literal\n');
    expect(literal.issues).toEqual([{ line: 5, column: 13, path: 'providers.0.apiKey', message: expect.stringContaining('${ENV_VAR} reference') }]);
    const unset = await apply(b, 'version: 1\nproviders:\n  - { name: p, kind: openai, apiKey: "${NOT_SET_ANYWHERE}" }\n');
    expect(unset.issues[0]).toMatchObject({ line: 3, path: 'providers.0.apiKey', message: 'environment variable NOT_SET_ANYWHERE is not set' });

    // Valid YAML and schema; the domain refuses the plan (unknown model) after the team, the
    // profile and the provider were written inside the transaction: all of it is rolled back.
    const halfway = `version: 1
routingProfiles: [{ name: fast, strategy: latency }]
providers: [{ name: p2, kind: mock }]
teams: [{ slug: later, name: Later }]
plans:
  - name: broken
    allowedModels: [no-such-model]
`;
    const refused = await apply(b, halfway);
    expect(refused.__typename).toBe('ConfigFileError');
    expect(refused.issues).toEqual([{ line: 6, column: 5, path: 'plans.0', message: 'plan broken: allowedModels: unknown model(s): no-such-model' }]);
    expect(await exportConfig(b)).toBe(before);
    expect(await auditCount(b)).toBe(audits);

    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, halfway);
    const viaCli = await cli(b, ['apply', file]);
    expect(viaCli.code).toBe(1);
    expect(viaCli.stderr).toContain(`${file}:6:5: plans.0: plan broken: allowedModels: unknown model(s): no-such-model`);
    expect(viaCli.stderr).toContain('nothing was applied');
  });
});

describe('config file tooling', () => {
  it('docs/tollgate.schema.json is the schema the parser uses', async () => {
    expect(JSON.parse(await readFile(path.join(ROOT, 'docs/tollgate.schema.json'), 'utf8'))).toEqual(configJsonSchema());
  });

  it('TOLLGATE_CONFIG_FILE applies the file at start; a broken one stops the start and changes nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-gitops-'));
    const file = path.join(dir, 'tollgate.yaml');
    const env = (extra: Record<string, string> = {}) =>
      readControlPlaneEnv({
        CONTROL_PLANE_PORT: '0',
        TOLLGATE_DATA_DIR: dir,
        TOLLGATE_ADMIN_KEY: TEST_ADMIN_KEY,
        TOLLGATE_SECRET_KEY: TEST_SECRET_KEY,
        TOLLGATE_HEARTBEAT_INTERVAL_MS: '0',
        TOLLGATE_CONFIG_FILE: file,
        ...extra,
      });
    // The data directory starts as the suite's migrated template: initdb is not what this test is
    // about, and initdb plus migrations took 19 s of the 30 s test timeout at a load average of 22.
    const seeded = new PGlite(path.join(dir, 'db'), { loadDataDir: await pgliteTemplate() });
    await seeded.waitReady;
    await seeded.close();
    const bus = createMemoryBus();
    process.env.GITOPS_TEST_KEY = 'sk-from-env';
    try {
      await writeFile(file, 'version: 1\nproviders: [{ name: gitops, kind: openai, apiKey: "${GITOPS_TEST_KEY}" }]\nteams: [{ slug: gitops, name: GitOps }]\n');
      const started = await startControlPlaneFromEnv(env(), bus);
      const body = await (
        await fetch(started.controlPlane.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
          body: JSON.stringify({ query: '{ exportConfig }' }),
        })
      ).json();
      expect(body.data.exportConfig).toContain('slug: gitops');
      expect(body.data.exportConfig).toContain('apiKey: ${TOLLGATE_PROVIDER_GITOPS_API_KEY}');
      await started.close();

      await writeFile(file, 'version: 1\nteams: [{ slug: second, name: Second }]\nplans: [{ name: bad, allowedModels: [nope] }]\n');
      await expect(startControlPlaneFromEnv(env(), bus)).rejects.toThrow('line 3, column 9: plans.0: plan bad: allowedModels: unknown model(s): nope');
      const reopened = await startControlPlaneFromEnv({ ...env(), TOLLGATE_CONFIG_FILE: undefined }, bus);
      expect(await reopened.controlPlane.services.prisma.team.count({ where: { slug: 'second' } })).toBe(0);
      await reopened.close();
    } finally {
      delete process.env.GITOPS_TEST_KEY;
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    }
    // Three control-plane starts on an on-disk PGlite (no timing is asserted): 19 s measured at a
    // load average of 22 on the 2-core machine, where the default 30 s ran out in a full run.
  }, 90_000);
});
