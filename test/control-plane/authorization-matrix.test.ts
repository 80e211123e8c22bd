import { type GraphQLNamedType, getNamedType, isObjectType, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../control-plane/schema/index.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { gqlKit, mutationDocument, operationDocument } from '../support/gql-kit.ts';
import { usageEvent } from '../support/usage-events.ts';
import { nextWithin, subscribe, wsClient } from '../support/ws-client.ts';
import { type Fixture, matrixRows, NESTED_TRAVERSALS, type Row } from './authorization-rows.ts';

/**
 * The cross-team matrix: every root query, mutation and subscription, and every nested field that
 * reaches a team's objects, is run with team A's owner token against team B's objects. None may
 * return B's data, and each answers exactly as it does for a missing id. The coverage tests fail
 * when a root field or a nested field into team data has no row (see authorization-rows.ts).
 */

/** Object types whose rows belong to one team (or, for plans, to the teams on them). */
const TEAM_OWNED = new Set([
  'Team',
  'ApiKey',
  'Member',
  'Provider',
  'Deployment',
  'Budget',
  'BudgetAlert',
  'BudgetStatus',
  'BudgetUsage',
  'CreditTransaction',
  'CreditBalance',
  'UsageEvent',
  'UsageRollupRow',
  'UsageTagRow',
  'AuditLogEntry',
  'CreatedApiKey',
  'MemberWithToken',
  'Plan',
  'AlertChannel',
  'CachePolicy',
  'Guardrail',
]);
/** Object types that hold no team's data. A new type must be put in one of the two sets. */
const NOT_TEAM_OWNED = new Set([
  'Model',
  'ModelPrice',
  // Only the platform admin can run a re-rating; the object is its outcome, returned to that caller.
  'Rerate',
  'ModelCapabilities',
  'FallbackChain',
  'RoutingProfile',
  'Limits',
  'Timeouts',
  // Platform settings: only the platform admin reads or sets them.
  'RoutingDefaults',
  'DefaultTimeouts',
  'CooldownDefaults',
  'BudgetTemplate',
  'ConfigIssue',
  'ConfigFileError',
  'ConfigApplyResult',
  'CatalogueModel',
  'SnapshotInfo',
  'Viewer',
  'PageInfo',
  'Fleet',
  'FleetDataPlane',
  'RefusedSnapshot',
  'FieldIssue',
  'ConflictError',
  'ForbiddenError',
  'NotFoundError',
  'ValidationError',
]);
const ROOTS = ['Query', 'Mutation', 'Subscription'];
const isWrapper = (name: string) => /^Mutation\w+(Result|Success)$/.test(name) || /Connection(Edge)?$/.test(name);

/** The named type behind a field, looking through connections and edges to their nodes. */
function ownerType(type: GraphQLNamedType): string {
  let current = type;
  for (let i = 0; i < 3 && /Connection(Edge)?$/.test(current.name) && isObjectType(current); i++) {
    const fields = current.getFields();
    current = getNamedType((fields.edges ?? fields.node).type);
  }
  return current.name;
}

function requiredCoordinates(): string[] {
  const required: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (ROOTS.includes(type.name) || TEAM_OWNED.has(ownerType(getNamedType(field.type)))) required.push(`${type.name}.${field.name}`);
    }
  }
  return required.sort();
}

function visitedCoordinates(documents: string[]): Set<string> {
  const seen = new Set<string>();
  for (const document of documents) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(document),
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (parent) seen.add(`${parent.name}.${node.name.value}`);
        },
      }),
    );
  }
  return seen;
}

function documentOf(row: Row): string {
  if (row.kind === 'mutation') return mutationDocument(row.field, row.variables, row.selection);
  return operationDocument(row.kind, row.field, row.variables, row.selection);
}

describe('matrix coverage', () => {
  it('classifies every object type as team-owned or not', () => {
    const unclassified = Object.values(schema.getTypeMap())
      .filter((t) => isObjectType(t) && !t.name.startsWith('__') && !ROOTS.includes(t.name) && !isWrapper(t.name))
      .map((t) => t.name)
      .filter((name) => !TEAM_OWNED.has(name) && !NOT_TEAM_OWNED.has(name));
    expect(unclassified).toEqual([]);
  });

  it('has a row for every root field and every nested field that reaches team data', () => {
    const placeholder = new Proxy({}, { get: () => 'x' }) as Fixture;
    const documents = [...matrixRows(placeholder).map(documentOf), ...NESTED_TRAVERSALS];
    const visited = visitedCoordinates(documents);
    expect(requiredCoordinates().filter((c) => !visited.has(c))).toEqual([]);
  });
});

forEachDatabase((target) => {
  let cp: ControlPlaneHarness;
  let f: Fixture;
  let fingerprints: string[];

  beforeAll(async () => {
    cp = await startControlPlaneHarness(target.options);
    const admin = gqlKit(cp);
    const demoId = (await admin.query('model', { name: 'demo' }, 'id')).result.id;
    const planA = await admin.plan({ name: 'a-plan' });
    const planB = await admin.plan({ name: 'b-plan' });
    const chain = await admin.ok('createFallbackChain', { input: { name: 'chain', models: ['demo'], triggers: ['TIMEOUT'] } });
    const profile = await admin.ok('createRoutingProfile', { input: { name: 'eco', strategy: 'COST' } });
    const teamA = await admin.team({ slug: 'team-a', name: 'Team A', planId: planA.id });
    const teamB = await admin.team({ slug: 'team-b', name: 'Team B', planId: planB.id });
    const ownerA = await admin.member(teamA.id, 'OWNER', 'owner-a@example.com');
    const viewerA = await admin.member(teamA.id, 'VIEWER', 'viewer-a@example.com');
    const memberB = await admin.member(teamB.id, 'ADMIN', 'admin-b@example.com');
    const keyA = await admin.apiKey({ teamId: teamA.id, name: 'a-key' });
    const keyB = await admin.apiKey({ teamId: teamB.id, name: 'b-key' });
    const providerB = await admin.provider({ name: 'b-own', kind: 'OPENAI', apiKey: 'sk-b-own-secret', teamId: teamB.id });
    const deploymentB = await admin.ok('createDeployment', { input: { modelId: demoId, providerId: providerB.id, upstreamModel: 'b-upstream' } });
    const budgetKeyB = await admin.ok('setBudget', { input: { scope: 'KEY', scopeId: keyB.apiKey.id, amount: 100, period: 'DAILY' } });
    const budgetTeamB = await admin.ok('setBudget', { input: { scope: 'TEAM', scopeId: teamB.id, amount: 1000, period: 'MONTHLY', alertThresholds: [50] } });
    const cachePolicyKeyB = await admin.ok('setCachePolicy', { input: { scope: 'KEY', scopeId: keyB.apiKey.id, ttlSeconds: 600 } });
    const cachePolicyTeamB = await admin.ok('setCachePolicy', { input: { scope: 'TEAM', scopeId: teamB.id, ttlSeconds: 60, deterministicOnly: false } });
    const channelB = await admin.ok('createAlertChannel', {
      input: { teamId: teamB.id, name: 'b-alerts', kind: 'SLACK', url: 'http://127.0.0.1:9/b-secret-hook', events: ['BUDGET'] },
    });
    const guardrailB = await admin.ok('createGuardrail', {
      input: { teamId: teamB.id, name: 'b-guard', stage: 'PRE', kind: 'DENY_LIST', denyKeywords: ['b-secret-word'] },
    });
    const planGuardrailB = await admin.ok('createGuardrail', {
      input: { planId: planB.id, name: 'b-plan-guard', stage: 'PRE', kind: 'MAX_PROMPT_TOKENS', maxPromptTokens: 99 },
    });
    const creditB = await admin.ok('grantCredits', { input: { teamId: teamB.id, amount: 42, reason: 'b-grant' } });
    const eventB = usageEvent(teamB.id, keyB.apiKey.id, { endUser: 'b-end-user' });
    await cp.bus.publishUsage(eventB);
    await cp.bus.publishUsage(usageEvent(teamA.id, keyA.apiKey.id));
    for (let i = 0; i < 200 && (await cp.database.prisma.usageEvent.count()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
    // B's usage spent its team budget past 50 %: B has a budget alert for the matrix to hide.
    for (let i = 0; i < 200 && (await cp.database.prisma.budgetAlert.count({ where: { teamId: teamB.id } })) < 1; i++)
      await new Promise((r) => setTimeout(r, 25));
    const alertB = await cp.database.prisma.budgetAlert.findFirstOrThrow({ where: { teamId: teamB.id } });

    f = {
      demoId,
      chainId: chain.id,
      profileId: profile.id,
      planAId: planA.id,
      planBId: planB.id,
      teamAId: teamA.id,
      teamBId: teamB.id,
      keyAId: keyA.apiKey.id,
      keyBId: keyB.apiKey.id,
      memberBId: memberB.member.id,
      providerBId: providerB.id,
      deploymentBId: deploymentB.id,
      budgetKeyBId: budgetKeyB.id,
      budgetTeamBId: budgetTeamB.id,
      alertChannelBId: channelB.id,
      cachePolicyKeyBId: cachePolicyKeyB.id,
      cachePolicyTeamBId: cachePolicyTeamB.id,
      guardrailBId: guardrailB.id,
      planGuardrailBId: planGuardrailB.id,
      ownerToken: ownerA.token,
      viewerToken: viewerA.token,
    };
    fingerprints = [
      teamB.id,
      'team-b',
      'Team B',
      keyB.apiKey.id,
      keyB.apiKey.prefix,
      'b-key',
      memberB.member.id,
      'admin-b@example.com',
      providerB.id,
      'b-own',
      deploymentB.id,
      'b-upstream',
      budgetKeyB.id,
      budgetTeamB.id,
      cachePolicyKeyB.id,
      cachePolicyTeamB.id,
      creditB.id,
      'b-grant',
      guardrailB.id,
      'b-guard',
      'b-secret-word',
      planGuardrailB.id,
      'b-plan-guard',
      eventB.id,
      'b-end-user',
      alertB.id,
      planB.id,
      'b-plan',
      memberB.token,
      keyB.secret,
      'sk-b-own-secret',
      channelB.id,
      'b-alerts',
      'b-secret-hook',
    ];
  });
  afterAll(async () => cp?.close());

  /**
   * B's objects as the admin sees them: must be the same before and after the matrix. Credits are
   * compared by what was granted: the subscription rows' own triggers store usage for B, which
   * spends from B's balance by design.
   */
  const stateOfB = () =>
    cp.gql(
      `query($id: ID!) { team(id: $id) { name blocked systemPrompt plan { id name } apiKeys { edges { node { id name prefix status limits { rpm } } } }
        members { edges { node { id role tokenPrefix } } } providers { id name baseUrl hasCredential deployments { id weight } }
        budgets { id amount } credits { granted } } auditLog(teamId: $id) { edges { node { id } } } }`,
      { id: f.teamBId },
    );

  /** Runs a row with a token; returns the response body. */
  async function run(row: Row, variables: Record<string, unknown>): Promise<any> {
    const token = row.token === 'viewer' ? f.viewerToken : f.ownerToken;
    if (row.kind !== 'subscription') return cp.gql(documentOf(row), variables, token);
    const client = wsClient(cp.controlPlane.url, token);
    try {
      const iterator = subscribe(client, documentOf(row), variables);
      // The subscription is set up asynchronously: fire the trigger until something arrives.
      let waiting = true;
      const triggering = (async () => {
        while (waiting && row.trigger) {
          await row.trigger(cp, f);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const first = await nextWithin(iterator).finally(() => (waiting = false));
      await triggering;
      await iterator.return?.();
      return first.value;
    } finally {
      await client.dispose();
    }
  }

  /** The same variables with every B id replaced by an id that exists nowhere. */
  function withMissingIds(variables: Record<string, unknown>): { variables: Record<string, unknown>; normalise: (s: string) => string } {
    const ids = new Map(fingerprints.map((fp, i) => [fp, `missing-${i}`]));
    const json = JSON.stringify(variables);
    let replaced = json;
    for (const [from, to] of ids) replaced = replaced.split(from).join(to);
    return {
      variables: JSON.parse(replaced),
      normalise: (s) => {
        let out = s;
        for (const [from, to] of ids) out = out.split(from).join(to);
        return out;
      },
    };
  }

  it("team A never gets team B's data, and a foreign id answers like a missing one", async () => {
    const before = JSON.stringify(await stateOfB());
    for (const row of matrixRows(f)) {
      const label = `${row.kind} ${row.field} ${JSON.stringify(row.variables)}`;
      const body = await run(row, row.variables);
      const text = JSON.stringify(body);
      const passed = JSON.stringify(row.variables);
      for (const fp of fingerprints) if (!passed.includes(fp)) expect(text, `${label} leaks ${fp}`).not.toContain(fp);
      row.expect(body, label);
      if (passed !== withMissingIds(row.variables).normalise(passed)) {
        const missing = withMissingIds(row.variables);
        const answer = await run(row, missing.variables);
        expect(JSON.stringify(answer), `${label}: a foreign id must answer like a missing one`).toBe(missing.normalise(text));
      }
    }
    expect(JSON.stringify(await stateOfB())).toBe(before);
  });

  it('nested fields never lead from team A to team B', async () => {
    for (const query of NESTED_TRAVERSALS) {
      const body = await cp.gql(query, { teamId: f.teamAId }, f.ownerToken);
      expect(body.errors, query).toBeUndefined();
      const text = JSON.stringify(body);
      for (const fp of fingerprints) expect(text, `nested query leaks ${fp}`).not.toContain(fp);
    }
  });
});
