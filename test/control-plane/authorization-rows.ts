import { expect } from 'vitest';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { usageEvent } from '../support/usage-events.ts';

/**
 * The rows of the cross-team matrix (authorization-matrix.test.ts). Every root field of the schema
 * needs at least one row, and every nested field that reaches a team's objects must be walked by
 * a row or by NESTED_TRAVERSALS: the coverage test fails otherwise. Each row runs with team A's
 * owner token (or viewer token) against team B's objects and states what the answer must be.
 */

export interface Fixture {
  demoId: string;
  chainId: string;
  profileId: string;
  planAId: string;
  planBId: string;
  teamAId: string;
  teamBId: string;
  keyAId: string;
  keyBId: string;
  memberBId: string;
  providerBId: string;
  deploymentBId: string;
  budgetKeyBId: string;
  budgetTeamBId: string;
  alertChannelBId: string;
  cachePolicyKeyBId: string;
  cachePolicyTeamBId: string;
  guardrailBId: string;
  /** A guardrail on team B's plan. */
  planGuardrailBId: string;
  ownerToken: string;
  viewerToken: string;
}

export interface Row {
  kind: 'query' | 'mutation' | 'subscription';
  field: string;
  variables: Record<string, unknown>;
  selection?: string;
  token?: 'owner' | 'viewer';
  /** For subscriptions: something that would make an event flow, started once subscribed. */
  trigger?: (cp: ControlPlaneHarness, f: Fixture) => Promise<unknown>;
  expect: (body: any, label: string) => void;
}

const nothing = (body: any, label: string) => {
  expect(body.errors, label).toBeUndefined();
  const result = body.data.result;
  if (result && 'edges' in result) expect(result.edges, label).toEqual([]);
  else expect(result, label).toBeNull();
};
/** Visible catalogue data or the caller's own: allowed, as long as no B fingerprint shows (checked for every row). */
const allowed = (body: any, label: string) => {
  expect(body.errors, label).toBeUndefined();
  expect(body.data.result, label).not.toBeNull();
};
const answer = (typename: 'NotFoundError' | 'ForbiddenError') => (body: any, label: string) => {
  expect(body.errors, label).toBeUndefined();
  expect(body.data.result.__typename, label).toBe(typename);
};
const notFound = answer('NotFoundError');
/** A top-level GraphQL error with this code, and no data (fields without a result union). */
const refusedWith = (code: string) => (body: any, label: string) => {
  expect(body.data?.result ?? null, label).toBeNull();
  expect(body.errors?.[0]?.extensions?.code, label).toBe(code);
};
const forbidden = answer('ForbiddenError');
const subscriptionRefused = (body: any, label: string) => {
  expect(body.data ?? null, label).toBeNull();
  expect(body.errors?.[0]?.message, label).toMatch(/not found/);
};

const q = (field: string, variables: Record<string, unknown>, selection: string, check = nothing): Row => ({
  kind: 'query',
  field,
  variables,
  selection,
  expect: check,
});
const m = (field: string, variables: Record<string, unknown>, check: Row['expect'], selection?: string): Row => ({
  kind: 'mutation',
  field,
  variables,
  selection,
  expect: check,
});
const connection = (inner: string) => `edges { node { ${inner} } }`;

export function matrixRows(f: Fixture): Row[] {
  const keyFields = 'id name prefix team { id } budgets { id }';
  return [
    // ---- queries ----
    q('team', { id: f.teamBId }, 'id name'),
    q('teams', {}, connection('id slug'), (body, label) => {
      expect(
        body.data.result.edges.map((e: any) => e.node.id),
        label,
      ).toEqual([f.teamAId]);
    }),
    q('teams', { slug: 'team-b' }, connection('id')),
    q('apiKey', { id: f.keyBId }, keyFields),
    q('apiKeys', { teamId: f.teamBId }, connection(keyFields)),
    q('apiKeys', {}, connection(keyFields), (body, label) => {
      expect(
        body.data.result.edges.map((e: any) => e.node.id),
        label,
      ).toEqual([f.keyAId]);
    }),
    q('member', { id: f.memberBId }, 'id email team { id }'),
    q('members', { teamId: f.teamBId }, connection('id email')),
    q('provider', { id: f.providerBId }, 'id name team { id } deployments { id }'),
    q('providers', { teamId: f.teamBId }, connection('id name')),
    q('providers', {}, connection('id name'), (body, label) => expect(body.data.result.edges, label).toEqual([])),
    q('deployment', { id: f.deploymentBId }, 'id provider { id } model { id }'),
    q('budget', { id: f.budgetKeyBId }, 'id team { id } apiKey { id } model { id }'),
    q('budget', { id: f.budgetTeamBId }, 'id'),
    q('budgets', { teamId: f.teamBId }, connection('id')),
    q('budgets', {}, connection('id'), (body, label) => expect(body.data.result.edges, label).toEqual([])),
    q('cachePolicies', { teamId: f.teamBId }, connection('id scope scopeId ttlSeconds team { id } apiKey { id }')),
    q('cachePolicies', {}, connection('id'), (body, label) => expect(body.data.result.edges, label).toEqual([])),
    q('budgetStatus', { teamId: f.teamBId }, 'teamId budgets { budgetId spent }'),
    q('budgetAlerts', { teamId: f.teamBId }, connection('id budgetId teamId threshold spent')),
    q('creditTransactions', { teamId: f.teamBId }, connection('id reason')),
    q('usageEvents', { teamId: f.teamBId }, connection('id endUser')),
    q(
      'usageRollup',
      { teamId: f.teamBId, groupBy: ['DAY', 'END_USER'], from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' },
      'day endUser requests cost',
      refusedWith('NOT_FOUND'),
    ),
    q('spendByTag', { teamId: f.teamBId, from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' }, 'tag requests cost', refusedWith('NOT_FOUND')),
    // Platform operations data: the admin's only.
    q('fleet', {}, 'converged dataPlanes { instanceId }', refusedWith('FORBIDDEN')),
    q('auditLog', { teamId: f.teamBId }, connection('id changes')),
    q('auditLog', {}, connection('id teamId changes'), (body, label) => {
      for (const edge of body.data.result.edges) expect(edge.node.teamId, label).toBe(f.teamAId);
    }),
    { ...q('auditLog', {}, connection('id')), token: 'viewer' },
    q('plan', { id: f.planBId }, 'id name teams { edges { node { id } } }'),
    q('plans', {}, connection('id name teams { edges { node { id } } }'), (body, label) => {
      expect(
        body.data.result.edges.map((e: any) => e.node.id),
        label,
      ).toEqual([f.planAId]);
    }),
    q('model', { id: f.demoId }, 'id deployments { id provider { id } }', allowed),
    q('models', {}, connection('id deployments { id }'), allowed),
    q('fallbackChain', { id: f.chainId }, 'id models { id }', allowed),
    q('fallbackChains', {}, connection('id'), allowed),
    q('routingProfile', { id: f.profileId }, 'id', allowed),
    q('routingProfiles', {}, connection('id'), allowed),
    q('currentSnapshot', {}, 'version hash', allowed),
    q('alertChannels', { teamId: f.teamBId }, 'id name', (body, label) => expect(body.data.result, label).toEqual([])),
    q('alertChannels', {}, 'id name', refusedWith('FORBIDDEN')),
    q('guardrails', { teamId: f.teamBId }, 'id name denyKeywords', (body, label) => expect(body.data.result, label).toEqual([])),
    q('guardrails', { planId: f.planBId }, 'id name', refusedWith('FORBIDDEN')),
    // The whole configuration, and the catalogue lookup: the platform admin's.
    q('exportConfig', {}, '', refusedWith('FORBIDDEN')),
    q('catalogueModel', { kind: 'OPENAI', model: 'gpt-4o' }, 'model', refusedWith('FORBIDDEN')),
    q('routingDefaults', {}, 'maxAttempts', refusedWith('FORBIDDEN')),
    q('viewer', {}, 'kind team { id } member { id }', (body, label) => expect(body.data.result.team.id, label).toBe(f.teamAId)),

    // ---- mutations on B's objects: not found, exactly like a missing id ----
    m('updateTeam', { input: { id: f.teamBId, name: 'pwned' } }, notFound, 'id name'),
    m('createApiKey', { input: { teamId: f.teamBId, name: 'pwned' } }, notFound, 'secret apiKey { id }'),
    m('updateApiKey', { input: { id: f.keyBId, blocked: true } }, notFound),
    m('rotateApiKey', { id: f.keyBId }, notFound, 'secret apiKey { id }'),
    m('revokeApiKey', { id: f.keyBId }, notFound),
    m('createMember', { input: { teamId: f.teamBId, email: 'x@example.com', role: 'OWNER' } }, notFound, 'token member { id }'),
    m('updateMember', { input: { id: f.memberBId, role: 'VIEWER' } }, notFound),
    m('rotateMemberToken', { id: f.memberBId }, notFound, 'token member { id }'),
    m('deleteMember', { id: f.memberBId }, notFound),
    m('createProvider', { input: { name: 'pwned', kind: 'OPENAI', teamId: f.teamBId } }, notFound),
    m('updateProvider', { input: { id: f.providerBId, baseUrl: 'https://evil.example.com' } }, notFound),
    m('deleteProvider', { id: f.providerBId }, notFound),
    m('createDeployment', { input: { modelId: f.demoId, providerId: f.providerBId, upstreamModel: 'x' } }, notFound),
    m('updateDeployment', { input: { id: f.deploymentBId, weight: 0 } }, notFound),
    m('deleteDeployment', { id: f.deploymentBId }, notFound),
    m('setBudget', { input: { scope: 'KEY', scopeId: f.keyBId, amount: 1, period: 'DAILY' } }, notFound),
    m('setBudget', { input: { scope: 'TEAM', scopeId: f.teamBId, amount: 1, period: 'DAILY' } }, notFound),
    m('deleteBudget', { id: f.budgetKeyBId }, notFound),
    m('deleteBudget', { id: f.budgetTeamBId }, notFound),
    m('setCachePolicy', { input: { scope: 'KEY', scopeId: f.keyBId, ttlSeconds: 60 } }, notFound),
    m('setCachePolicy', { input: { scope: 'TEAM', scopeId: f.teamBId, ttlSeconds: 60 } }, notFound),
    m('deleteCachePolicy', { id: f.cachePolicyKeyBId }, notFound),
    m('deleteCachePolicy', { id: f.cachePolicyTeamBId }, notFound),
    m('grantCredits', { input: { teamId: f.teamBId, amount: 1, reason: 'x' } }, notFound),
    m('createAlertChannel', { input: { teamId: f.teamBId, name: 'x', kind: 'SLACK', url: 'https://evil.example.com/x', events: ['BUDGET'] } }, notFound),
    m('deleteAlertChannel', { id: f.alertChannelBId }, notFound),
    m('createGuardrail', { input: { teamId: f.teamBId, name: 'x', stage: 'PRE', kind: 'MAX_PROMPT_TOKENS', maxPromptTokens: 1 } }, notFound),
    m('updateGuardrail', { id: f.guardrailBId, input: { denyKeywords: ['pwned'] } }, notFound),
    m('deleteGuardrail', { id: f.guardrailBId }, notFound),
    // A plan's guardrail is the platform's: a team's owner cannot see it to change it.
    m('updateGuardrail', { id: f.planGuardrailBId, input: { maxPromptTokens: 1 } }, notFound),
    m('deleteGuardrail', { id: f.planGuardrailBId }, notFound),

    // ---- platform mutations: forbidden to every team, whatever the id ----
    m('createTeam', { input: { name: 'x', slug: 'x' } }, forbidden),
    m('deleteTeam', { id: f.teamBId }, forbidden),
    m('setTeamPlan', { teamId: f.teamBId, planId: f.planAId }, forbidden),
    m('setTeamBlocked', { teamId: f.teamBId, blocked: true }, forbidden),
    m('createPlan', { input: { name: 'x' } }, forbidden),
    m('updatePlan', { input: { id: f.planBId, markupBasisPoints: 0 } }, forbidden),
    m('deletePlan', { id: f.planBId }, forbidden),
    m('createModel', { input: { name: 'x', deployments: [{ providerId: f.providerBId, upstreamModel: 'x' }] } }, forbidden),
    m('updateModel', { input: { id: f.demoId, tags: ['x'] } }, forbidden),
    m('deleteModel', { id: f.demoId }, forbidden),
    m('setModelPrice', { input: { modelId: f.demoId, price: { inputPerMillion: 0, outputPerMillion: 0 } } }, forbidden),
    m('rerate', { input: { teamId: f.teamBId, from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } }, forbidden),
    m('setBudget', { input: { scope: 'MODEL', scopeId: f.demoId, amount: 1, period: 'DAILY' } }, forbidden),
    m('setCachePolicy', { input: { scope: 'PLAN', scopeId: f.planBId, ttlSeconds: 60, hitPrice: 0 } }, forbidden),
    m('createFallbackChain', { input: { name: 'x', models: ['demo'], triggers: ['TIMEOUT'] } }, forbidden),
    m('updateFallbackChain', { input: { id: f.chainId, triggers: ['TIMEOUT'] } }, forbidden),
    m('deleteFallbackChain', { id: f.chainId }, forbidden),
    m('createRoutingProfile', { input: { name: 'x', strategy: 'COST' } }, forbidden),
    m('updateRoutingProfile', { input: { id: f.profileId, strategy: 'LATENCY' } }, forbidden),
    m('deleteRoutingProfile', { id: f.profileId }, forbidden),
    m('setRoutingDefaults', { input: { maxAttempts: 1 } }, forbidden, 'maxAttempts'),
    m('resealProviderCredentials', {}, forbidden),
    m('applyConfig', { input: { yaml: 'version: 1\nteams: [{ slug: team-b, name: pwned }]\n' } }, forbidden),
    m('createAlertChannel', { input: { name: 'x', kind: 'SLACK', url: 'https://evil.example.com/x', events: ['BUDGET'] } }, forbidden),
    m('createGuardrail', { input: { planId: f.planBId, name: 'x', stage: 'PRE', kind: 'MAX_PROMPT_TOKENS', maxPromptTokens: 1 } }, forbidden),

    // ---- subscriptions ----
    {
      kind: 'subscription',
      field: 'usage',
      variables: { teamId: f.teamBId },
      selection: 'id endUser',
      trigger: (cp) => cp.bus.publishUsage(usageEvent(f.teamBId, f.keyBId, { endUser: 'b-end-user' })),
      expect: subscriptionRefused,
    },
    {
      kind: 'subscription',
      field: 'budgetStatus',
      variables: { teamId: f.teamBId },
      selection: 'teamId budgets { budgetId spent }',
      trigger: (cp) => cp.bus.publishUsage(usageEvent(f.teamBId, f.keyBId)),
      expect: subscriptionRefused,
    },
    {
      kind: 'subscription',
      field: 'budgetAlerts',
      variables: { teamId: f.teamBId },
      selection: 'id budgetId threshold spent',
      trigger: (cp) => cp.bus.publishUsage(usageEvent(f.teamBId, f.keyBId)),
      expect: subscriptionRefused,
    },
    {
      kind: 'subscription',
      field: 'fleetChanged',
      variables: {},
      selection: 'converged',
      trigger: async () => undefined,
      expect: (body, label) => {
        expect(body.data ?? null, label).toBeNull();
        expect(JSON.stringify(body.errors), label).toMatch(/platform admin/);
      },
    },
    {
      kind: 'subscription',
      field: 'snapshotPublished',
      variables: {},
      selection: 'version hash',
      // Any change publishes a snapshot; subscribers learn only its version and hash.
      trigger: (cp) =>
        cp.gql('mutation($id: ID!, $p: String) { updateTeam(input: { id: $id, systemPrompt: $p }) { __typename } }', { id: f.teamAId, p: `${Math.random()}` }),
      expect: (body, label) => expect(Object.keys(body.data.result).sort(), label).toEqual(['hash', 'version']),
    },
  ];
}

/**
 * Walks, from team A's own objects and the shared catalogue, every nested field that can lead to
 * a team's objects. Run with team A's owner token: no B fingerprint may appear.
 */
export const NESTED_TRAVERSALS = [
  `query($teamId: ID!) { team(id: $teamId) {
    plan { teams { edges { node { id } } } }
    apiKeys { edges { node { id team { id } budgets { id team { id } apiKey { id } model { id } } } } }
    members { edges { node { id team { id } } } }
    providers { id team { id } deployments { id provider { id } model { id } } }
    budgets { id }
    credits { balance }
    creditTransactions { edges { node { id } } }
  } }`,
  `{ viewer { team { id } member { id team { id } } } }`,
  `{ models { edges { node { id deployments { id provider { id team { id } } } } } } }`,
  `{ plans { edges { node { id teams { edges { node { id } } } } } } }`,
];
