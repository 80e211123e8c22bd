import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { usageEvent } from '../support/usage-events.ts';
import { nextWithin, subscribe, wsClient } from '../support/ws-client.ts';

// What each team role may do within its own team, and the subscriptions of a team seen by its
// own members. (Cross-team refusals are the matrix's job: authorization-matrix.test.ts.)

let cp: ControlPlaneHarness;
let admin: GqlKit;
let teamId: string;
const as: Record<'owner' | 'admin' | 'member' | 'viewer', GqlKit> = {} as never;
const memberIds: Record<string, string> = {};

beforeAll(async () => {
  cp = await startControlPlaneHarness();
  admin = gqlKit(cp);
  teamId = (await admin.team({ slug: 'roles' })).id;
  for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
    const created = await admin.member(teamId, role.toUpperCase(), `${role}@example.com`);
    as[role] = gqlKit(cp, created.token);
    memberIds[role] = created.member.id;
  }
});
afterAll(async () => cp?.close());

describe('team roles', () => {
  it('viewer reads the team but changes nothing (except its own token)', async () => {
    expect((await as.viewer.query('team', { id: teamId }, 'slug')).result).toEqual({ slug: 'roles' });
    expect((await as.viewer.mutate('createApiKey', { input: { teamId, name: 'k' } })).typename).toBe('ForbiddenError');
    expect((await as.viewer.mutate('updateTeam', { input: { id: teamId, name: 'x' } })).typename).toBe('ForbiddenError');
    expect((await as.viewer.query('auditLog', {}, 'edges { node { id } }')).result.edges).toEqual([]);
    const rotated = await as.viewer.ok('rotateMemberToken', { id: memberIds.viewer }, 'token');
    as.viewer = gqlKit(cp, rotated.token);
    expect((await as.viewer.mutate('rotateMemberToken', { id: memberIds.member })).typename).toBe('ForbiddenError');
  });

  it('member manages API keys, not the team, budgets or members', async () => {
    const key = await as.member.apiKey({ teamId });
    expect(await as.member.ok('updateApiKey', { input: { id: key.apiKey.id, name: 'renamed' } }, 'name')).toEqual({ name: 'renamed' });
    expect((await as.member.mutate('rotateApiKey', { id: key.apiKey.id })).typename).toBe('MutationRotateApiKeySuccess');
    expect((await as.member.mutate('setBudget', { input: { scope: 'KEY', scopeId: key.apiKey.id, amount: 1, period: 'DAILY' } })).typename).toBe(
      'ForbiddenError',
    );
    expect((await as.member.mutate('updateTeam', { input: { id: teamId, name: 'x' } })).typename).toBe('ForbiddenError');
    expect((await as.member.mutate('createMember', { input: { teamId, email: 'x@example.com', role: 'VIEWER' } })).typename).toBe('ForbiddenError');
    expect(await as.member.ok('revokeApiKey', { id: key.apiKey.id }, 'status')).toEqual({ status: 'REVOKED' });
  });

  it('admin manages the team, its own providers, key budgets and members below owner', async () => {
    expect(await as.admin.ok('updateTeam', { input: { id: teamId, systemPrompt: 'Be kind.' } }, 'systemPrompt')).toEqual({ systemPrompt: 'Be kind.' });
    const provider = await as.admin.ok('createProvider', { input: { name: 'roles-own', kind: 'OPENAI', apiKey: 'sk-own', teamId } }, 'id team { id }');
    expect(provider.team.id).toBe(teamId);
    const demo = (await as.admin.query('model', { name: 'demo' }, 'id')).result.id;
    const deployment = await as.admin.ok('createDeployment', { input: { modelId: demo, providerId: provider.id, upstreamModel: 'gpt-4o-mini' } }, 'id');
    expect((await as.admin.query('model', { id: demo }, 'deployments { id }')).result.deployments).toEqual([{ id: deployment.id }]);
    const key = await as.admin.apiKey({ teamId });
    expect((await as.admin.mutate('setBudget', { input: { scope: 'KEY', scopeId: key.apiKey.id, amount: 10, period: 'DAILY' } })).typename).toBe(
      'MutationSetBudgetSuccess',
    );
    expect((await as.admin.mutate('setBudget', { input: { scope: 'TEAM', scopeId: teamId, amount: 10, period: 'DAILY' } })).typename).toBe('ForbiddenError');
    expect((await as.admin.mutate('grantCredits', { input: { teamId, amount: 10, reason: 'self-service' } })).typename).toBe('ForbiddenError');
    expect((await as.admin.mutate('setTeamPlan', { teamId, planId: null })).typename).toBe('ForbiddenError');
    expect((await as.admin.mutate('createMember', { input: { teamId, email: 'new@example.com', role: 'ADMIN' } })).typename).toBe(
      'MutationCreateMemberSuccess',
    );
    expect((await as.admin.mutate('createMember', { input: { teamId, email: 'boss@example.com', role: 'OWNER' } })).typename).toBe('ForbiddenError');
    expect((await as.admin.mutate('updateMember', { input: { id: memberIds.owner, role: 'VIEWER' } })).typename).toBe('ForbiddenError');
    expect(
      (
        await as.admin.mutate('updateProvider', {
          input: { id: (await as.admin.query('providers', { kind: 'MOCK' }, 'edges { node { id } }')).result.edges[0]?.node.id ?? 'none', name: 'x' },
        })
      ).typename,
    ).toBe('NotFoundError');
    expect((await as.admin.query('auditLog', {}, 'edges { node { action } }')).result.edges.length).toBeGreaterThan(3);
  });

  it('owner also manages owners', async () => {
    const other = await as.owner.ok('createMember', { input: { teamId, email: 'co-owner@example.com', role: 'OWNER' } }, 'member { id role }');
    expect(other.member.role).toBe('OWNER');
    expect(await as.owner.ok('deleteMember', { id: other.member.id })).toBe(other.member.id);
  });
});

describe('subscriptions of a team, seen by its members', () => {
  it('usage: every stored event of the team, once', async () => {
    const key = await admin.apiKey({ teamId });
    const client = wsClient(cp.controlPlane.url, (await admin.member(teamId, 'VIEWER', 'sub@example.com')).token);
    try {
      const events = subscribe(client, 'subscription($t: ID!) { usage(teamId: $t) { id cost model } }', { t: teamId });
      // The subscription is set up asynchronously: send fresh events until one arrives.
      const sent = new Map<string, ReturnType<typeof usageEvent>>();
      let first: IteratorResult<any> | undefined;
      const sending = (async () => {
        while (!first) {
          const event = usageEvent(teamId, key.apiKey.id, { costMicroUsd: 1234 });
          sent.set(event.id, event);
          await cp.bus.publishUsage(event);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      first = await nextWithin(events);
      await sending;
      const received = first.value.data.usage;
      expect(received).toMatchObject({ cost: '1234', model: 'demo' });
      expect(sent.has(received.id)).toBe(true);

      // A redelivered event is not announced again; the next new one is.
      const fresh = usageEvent(teamId, key.apiKey.id, { costMicroUsd: 77 });
      await cp.bus.publishUsage(sent.get(received.id)!);
      await cp.bus.publishUsage(fresh);
      let next = await nextWithin(events);
      while (sent.has(next.value.data.usage.id) && next.value.data.usage.id !== received.id) next = await nextWithin(events);
      expect(next.value.data.usage).toEqual({ id: fresh.id, cost: '77', model: 'demo' });
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('budgetStatus: the status at once, then again after each batch of usage', async () => {
    const key = await admin.apiKey({ teamId });
    await admin.ok('setBudget', { input: { scope: 'KEY', scopeId: key.apiKey.id, amount: 10_000, period: 'MONTHLY', alertThresholds: [50] } });
    const token = (await admin.member(teamId, 'VIEWER', 'budget-watch@example.com')).token;
    const client = wsClient(cp.controlPlane.url, token);
    try {
      const statuses = subscribe(
        client,
        'subscription($t: ID!) { budgetStatus(teamId: $t) { teamId budgets { budgetId spent remaining thresholdsReached burnRatePerDay } } }',
        { t: teamId },
      );
      const initial = (await nextWithin(statuses)).value.data.budgetStatus;
      expect(initial.teamId).toBe(teamId);
      const before = initial.budgets.find((b: any) => b.remaining === '10000');
      expect(before).toMatchObject({ spent: '0', thresholdsReached: [] });
      await cp.bus.publishUsage(usageEvent(teamId, key.apiKey.id, { costMicroUsd: 6000 }));
      const updated = (await nextWithin(statuses)).value.data.budgetStatus;
      expect(updated.budgets.find((b: any) => b.budgetId === before.budgetId)).toEqual({
        budgetId: before.budgetId,
        spent: '6000',
        remaining: '4000',
        thresholdsReached: [50],
        burnRatePerDay: '144000',
      });
      await statuses.return?.();
    } finally {
      await client.dispose();
    }
  });
});
