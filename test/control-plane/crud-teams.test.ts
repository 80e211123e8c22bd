import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { usageEvent } from '../support/usage-events.ts';

// CRUD of what belongs to teams through GraphQL: teams, members, API keys, budgets, credits,
// the audit log and usage. Each runs against PGlite and PostgreSQL.

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

forEachDatabase((target) => {
  let cp: ControlPlaneHarness;
  let k: GqlKit;

  beforeAll(async () => {
    cp = await startControlPlaneHarness(target.options);
    k = gqlKit(cp);
  });
  afterAll(async () => cp?.close());

  it('teams: create, read, filter, update, plan, block, delete; slugs unique and well-formed', async () => {
    const plan = await k.plan({ name: 'starter' });
    const team = await k.ok(
      'createTeam',
      { input: { name: 'Search', slug: 'search', systemPrompt: 'Be brief.', planId: plan.id } },
      'id slug systemPrompt plan { name }',
    );
    expect(team).toMatchObject({ slug: 'search', systemPrompt: 'Be brief.', plan: { name: 'starter' } });
    expect((await k.mutate('createTeam', { input: { name: 'Again', slug: 'search' } })).error).toMatchObject({ __typename: 'ConflictError', field: 'slug' });
    expect((await k.mutate('createTeam', { input: { name: 'X', slug: 'Not A Slug' } })).error.issues[0].path).toBe('slug');
    expect((await k.mutate('createTeam', { input: { name: 'X', slug: 'x', planId: 'nope' } })).error.issues).toEqual([
      { path: 'planId', message: 'unknown plan' },
    ]);

    expect((await k.query('teams', { planId: plan.id }, 'edges { node { slug } }')).result.edges).toEqual([{ node: { slug: 'search' } }]);
    expect((await k.query('teams', { search: 'SEAR' }, 'edges { node { slug } }')).result.edges).toEqual([{ node: { slug: 'search' } }]);

    const updated = await k.ok('updateTeam', { input: { id: team.id, name: 'Search & Ranking', systemPrompt: null } }, 'name systemPrompt slug');
    expect(updated).toEqual({ name: 'Search & Ranking', systemPrompt: null, slug: 'search' });
    expect(await k.ok('setTeamBlocked', { teamId: team.id, blocked: true }, 'blocked')).toEqual({ blocked: true });
    expect((await k.query('teams', { blocked: true }, 'edges { node { slug } }')).result.edges).toEqual([{ node: { slug: 'search' } }]);
    expect(await k.ok('setTeamPlan', { teamId: team.id, planId: null }, 'plan { id }')).toEqual({ plan: null });

    const key = await k.apiKey({ teamId: team.id });
    expect(await k.ok('deleteTeam', { id: team.id })).toBe(team.id);
    expect((await k.query('team', { id: team.id }, 'id')).result).toBeNull();
    expect((await k.query('apiKey', { id: key.apiKey.id }, 'id')).result).toBeNull();
    expect((await k.mutate('deleteTeam', { id: team.id })).typename).toBe('NotFoundError');
  });

  it('members: create with a one-time token that works, change role, rotate token, remove', async () => {
    const team = await k.team({ slug: 'people' });
    const created = await k.ok(
      'createMember',
      { input: { teamId: team.id, email: 'Ada@Example.com', name: 'Ada', role: 'ADMIN' } },
      'member { id email role tokenPrefix } token',
    );
    expect(created.member).toMatchObject({ email: 'ada@example.com', role: 'ADMIN' });
    expect(created.token).toMatch(/^tgm_/);
    expect(created.token.startsWith(created.member.tokenPrefix)).toBe(true);
    expect((await k.mutate('createMember', { input: { teamId: team.id, email: 'ada@example.com', role: 'VIEWER' } })).typename).toBe('ConflictError');
    expect((await k.mutate('createMember', { input: { teamId: team.id, email: 'not-an-email', role: 'VIEWER' } })).typename).toBe('ValidationError');

    const asAda = gqlKit(cp, created.token);
    expect((await asAda.query('viewer', {}, 'kind role team { slug } member { email }')).result).toEqual({
      kind: 'member',
      role: 'ADMIN',
      team: { slug: 'people' },
      member: { email: 'ada@example.com' },
    });

    const viewer = await asAda.member(team.id, 'VIEWER');
    expect((await k.query('members', { teamId: team.id, role: 'VIEWER' }, 'edges { node { id } }')).result.edges).toEqual([{ node: { id: viewer.member.id } }]);
    expect(await asAda.ok('updateMember', { input: { id: viewer.member.id, role: 'MEMBER', name: 'Bob' } }, 'role name')).toEqual({
      role: 'MEMBER',
      name: 'Bob',
    });

    const rotated = await asAda.ok('rotateMemberToken', { id: created.member.id }, 'token');
    const stale = await cp.gql('{ viewer { kind } }', {}, created.token);
    expect(stale.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gqlKit(cp, rotated.token).query('viewer', {}, 'kind')).result).toEqual({ kind: 'member' });

    expect(await k.ok('deleteMember', { id: viewer.member.id })).toBe(viewer.member.id);
    expect((await k.query('member', { id: viewer.member.id }, 'id')).result).toBeNull();
  });

  it('API keys: models within the plan, limits, metadata, budget, expiry; update, block, rotate, revoke', async () => {
    const plan = await k.plan({ name: 'keys-plan', allowedModels: ['demo'] });
    const team = await k.team({ slug: 'keys', planId: plan.id });
    const outside = await k.mutate('createApiKey', { input: { teamId: team.id, name: 'k', allowedModels: ['demo', 'other'] } });
    expect(outside.error.issues).toEqual([{ path: 'allowedModels', message: 'unknown model(s): other' }]);
    const provider = await k.provider({ name: 'keys-mock', kind: 'MOCK' });
    await k.model({ name: 'premium', deployments: [{ providerId: provider.id, upstreamModel: 'p' }] });
    const notInPlan = await k.mutate('createApiKey', { input: { teamId: team.id, name: 'k', allowedModels: ['premium'] } });
    expect(notInPlan.error.issues).toEqual([{ path: 'allowedModels', message: 'not in plan "keys-plan": premium' }]);
    expect((await k.mutate('createApiKey', { input: { teamId: team.id, name: 'k', expiresAt: '2020-01-01T00:00:00Z' } })).typename).toBe('ValidationError');
    expect((await k.mutate('createApiKey', { input: { teamId: team.id, name: 'k', budget: { amount: '-1', period: 'DAILY' } } })).typename).toBe(
      'ValidationError',
    );

    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await k.ok(
      'createApiKey',
      {
        input: {
          teamId: team.id,
          name: 'ci',
          allowedModels: ['demo'],
          limits: { rpm: 60 },
          metadata: { owner: 'ci', tier: 2 },
          expiresAt,
          budget: { amount: 5_000_000, period: 'DAILY', alertThresholds: [80] },
        },
      },
      'secret apiKey { id status allowedModels limits { rpm tpm } metadata expiresAt budgets { amount period hard alertThresholds } }',
    );
    const id = created.apiKey.id;
    expect(created.apiKey).toMatchObject({
      status: 'ACTIVE',
      allowedModels: ['demo'],
      limits: { rpm: 60, tpm: null },
      metadata: { owner: 'ci', tier: 2 },
      expiresAt,
      budgets: [{ amount: '5000000', period: 'DAILY', hard: true, alertThresholds: [80] }],
    });

    const updated = await k.ok(
      'updateApiKey',
      { input: { id, name: 'ci-2', limits: null, metadata: null, blocked: true } },
      'name status limits { rpm } metadata',
    );
    expect(updated).toEqual({ name: 'ci-2', status: 'BLOCKED', limits: { rpm: null }, metadata: null });
    expect((await k.query('apiKeys', { teamId: team.id, status: 'BLOCKED' }, 'edges { node { id } }')).result.edges).toEqual([{ node: { id } }]);
    await k.ok('updateApiKey', { input: { id, blocked: false } });

    const rotated = await k.ok('rotateApiKey', { id, gracePeriodSeconds: 600 }, 'secret apiKey { prefix previousSecretExpiresAt }');
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.secret.startsWith(rotated.apiKey.prefix)).toBe(true);
    const graceEnds = new Date(rotated.apiKey.previousSecretExpiresAt).getTime();
    expect(graceEnds).toBeGreaterThan(Date.now() + 590_000);
    expect(graceEnds).toBeLessThan(Date.now() + 610_000);

    const revoked = await k.ok('revokeApiKey', { id }, 'status revokedAt previousSecretExpiresAt');
    expect(revoked).toMatchObject({ status: 'REVOKED', previousSecretExpiresAt: null });
    expect((await k.mutate('rotateApiKey', { id })).typename).toBe('ValidationError');
  });

  it('budgets: per key, team and model; negative refused; set replaces; delete', async () => {
    const team = await k.team({ slug: 'budgeted' });
    const key = await k.apiKey({ teamId: team.id });
    const demo = (await k.query('model', { name: 'demo' }, 'id')).result;
    const negative = await k.mutate('setBudget', { input: { scope: 'TEAM', scopeId: team.id, amount: '-100', period: 'MONTHLY' } });
    expect(negative).toMatchObject({ typename: 'ValidationError', error: { issues: [{ path: 'amountMicroUsd', message: 'amounts cannot be negative' }] } });
    expect((await k.mutate('setBudget', { input: { scope: 'KEY', scopeId: 'missing', amount: 1, period: 'DAILY' } })).typename).toBe('NotFoundError');

    const teamBudget = await k.ok(
      'setBudget',
      { input: { scope: 'TEAM', scopeId: team.id, amount: '100000000', period: 'MONTHLY', hard: true, alertThresholds: [50, 80, 100] } },
      'id scope scopeId amount period hard alertThresholds team { slug }',
    );
    expect(teamBudget).toMatchObject({
      scope: 'TEAM',
      scopeId: team.id,
      amount: '100000000',
      period: 'MONTHLY',
      hard: true,
      alertThresholds: [50, 80, 100],
      team: { slug: 'budgeted' },
    });
    const replaced = await k.ok('setBudget', { input: { scope: 'TEAM', scopeId: team.id, amount: 7, period: 'MONTHLY', hard: false } }, 'id amount hard');
    expect(replaced).toEqual({ id: teamBudget.id, amount: '7', hard: false });
    const keyBudget = await k.ok('setBudget', { input: { scope: 'KEY', scopeId: key.apiKey.id, amount: 1000, period: 'WEEKLY' } }, 'id apiKey { id }');
    expect(keyBudget.apiKey.id).toBe(key.apiKey.id);
    const modelBudget = await k.ok(
      'setBudget',
      { input: { scope: 'MODEL', scopeId: demo.id, amount: 1000, period: 'TOTAL' } },
      'id model { name } team { id }',
    );
    expect(modelBudget).toMatchObject({ model: { name: 'demo' }, team: null });

    expect((await k.query('budgets', { teamId: team.id }, 'edges { node { scope } }')).result.edges.map((e: any) => e.node.scope).sort()).toEqual([
      'KEY',
      'TEAM',
    ]);
    expect((await k.query('budget', { id: modelBudget.id }, 'scope')).result).toEqual({ scope: 'MODEL' });
    expect(await k.ok('deleteBudget', { id: modelBudget.id })).toBe(modelBudget.id);
    expect((await k.query('budget', { id: modelBudget.id }, 'id')).result).toBeNull();
  });

  it('credits: grants with a reason in a ledger; the balance sums it', async () => {
    const team = await k.team({ slug: 'prepaid' });
    expect((await k.mutate('grantCredits', { input: { teamId: team.id, amount: 0, reason: 'zero' } })).typename).toBe('ValidationError');
    expect((await k.mutate('grantCredits', { input: { teamId: team.id, amount: 5, reason: ' ' } })).typename).toBe('ValidationError');
    const grant = await k.ok('grantCredits', { input: { teamId: team.id, amount: '25000000', reason: 'welcome' } }, 'id kind amount reason actor');
    expect(grant).toMatchObject({ kind: 'grant', amount: '25000000', reason: 'welcome', actor: 'admin' });
    await k.ok('grantCredits', { input: { teamId: team.id, amount: 5_000_000, reason: 'top-up' } });
    const read = await k.query('team', { id: team.id }, 'credits { granted spent balance } creditTransactions { edges { node { reason } } }');
    expect(read.result.credits).toEqual({ granted: '30000000', spent: '0', balance: '30000000' });
    expect(read.result.creditTransactions.edges.map((e: any) => e.node.reason).sort()).toEqual(['top-up', 'welcome']);
    expect((await k.query('creditTransactions', { teamId: team.id, kind: 'grant' }, 'edges { node { id } }')).result.edges).toHaveLength(2);

    // Spend comes from the usage ledger, once per event; bring-your-own-key usage draws no credits.
    const key = await k.ok('createApiKey', { input: { teamId: team.id, name: 'spender' } }, 'apiKey { id }');
    const spend = usageEvent(team.id, key.apiKey.id, { costMicroUsd: 1_250_000 });
    await cp.bus.publishUsage(spend);
    await cp.bus.publishUsage(spend);
    await cp.bus.publishUsage(usageEvent(team.id, key.apiKey.id, { costMicroUsd: 9_000_000, byok: true }));
    await vi.waitFor(async () => {
      const after = await k.query('team', { id: team.id }, 'credits { granted spent balance }');
      expect(after.result.credits).toEqual({ granted: '30000000', spent: '1250000', balance: '28750000' });
    });
  });

  it('audit log: every mutation records who, what, which object, the change and when', async () => {
    const team = await k.team({ slug: 'audited' });
    const owner = await k.member(team.id, 'OWNER');
    const asOwner = gqlKit(cp, owner.token);
    await asOwner.ok('updateTeam', { input: { id: team.id, name: 'Audited Inc' } });
    await asOwner.ok('createProvider', { input: { name: 'audited-own', kind: 'OPENAI', apiKey: 'sk-audit-secret', teamId: team.id } });

    const entries = await k.query('auditLog', { teamId: team.id }, 'edges { node { action entity entityId actorKind actorId teamId changes createdAt } }');
    const nodes = entries.result.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.action)).toEqual(['createProvider', 'updateTeam', 'createMember', 'createTeam']);
    expect(nodes[1]).toMatchObject({ entity: 'Team', entityId: team.id, actorKind: 'member', actorId: owner.member.id, changes: { name: 'Audited Inc' } });
    expect(nodes[0].changes.apiKey).toBe('[redacted]');
    expect(JSON.stringify(nodes)).not.toContain('sk-audit-secret');
    expect(nodes[3]).toMatchObject({ actorKind: 'admin', actorId: null });
    // Both ways: a time stored in another zone than UTC would be hours off, in the future too.
    expect(Math.abs(Date.now() - new Date(nodes[0].createdAt).getTime())).toBeLessThan(60_000);
    expect(Math.abs(Date.now() - new Date(nodes[3].createdAt).getTime())).toBeLessThan(60_000);
    expect((await k.query('auditLog', { entity: 'Team', entityId: team.id }, 'edges { node { action } }')).result.edges).toHaveLength(2);
  });

  it('usage: stored events are listed, keys learn their last use, budget status sums the spend', async () => {
    const plan = await k.plan({ name: 'metered', budget: { amount: 10_000, period: 'MONTHLY', alertThresholds: [50, 100] } });
    const team = await k.team({ slug: 'metered', planId: plan.id });
    const key = await k.apiKey({ teamId: team.id });
    await k.ok('setBudget', { input: { scope: 'KEY', scopeId: key.apiKey.id, amount: 2500, period: 'DAILY', hard: false } });
    for (const cost of [3000, 2000]) await cp.bus.publishUsage(usageEvent(team.id, key.apiKey.id, { costMicroUsd: cost }));

    const usage = await eventually(
      () => k.query('usageEvents', { teamId: team.id }, 'edges { node { cost apiKeyId } }'),
      (r) => r.result.edges.length === 2,
    );
    expect(usage.result.edges.map((e: any) => e.node.cost).sort()).toEqual(['2000', '3000']);
    expect((await k.query('apiKey', { id: key.apiKey.id }, 'lastUsedAt')).result.lastUsedAt).not.toBeNull();

    const status = await k.query(
      'budgetStatus',
      { teamId: team.id },
      'teamId budgets { scope fromPlan amount spent remaining burnRatePerDay thresholdsReached exhausted period periodStart hard }',
    );
    const byScope = Object.fromEntries(status.result.budgets.map((b: any) => [b.scope, b]));
    expect(byScope.TEAM).toMatchObject({
      fromPlan: true,
      amount: '10000',
      spent: '5000',
      remaining: '5000',
      burnRatePerDay: '120000',
      thresholdsReached: [50],
      exhausted: false,
      period: 'MONTHLY',
    });
    expect(byScope.KEY).toMatchObject({ fromPlan: false, amount: '2500', spent: '5000', remaining: '-2500', exhausted: true, hard: false });
  });
});
