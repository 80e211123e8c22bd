import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_LIMITS } from '../../control-plane/protection.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_ADMIN_KEY } from '../support/control-plane-harness.ts';
import { nextWithin, subscribe, wsClient } from '../support/ws-client.ts';

// Protection of the GraphQL endpoint: depth, cost, alias and token limits (graphql-armor),
// batching off, and in production mode no introspection and no field suggestions.

let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness({ production: true });
});
afterAll(async () => cp?.close());

const code = (body: any) => body.errors?.[0]?.extensions?.code;

/**
 * Runs `refuse` on a graphql-ws socket that holds a live subscription of `teamId` (so the lazy
 * client keeps it open), then checks the socket still serves and was never closed: a refusal is
 * one operation's error, never the end of the caller's other subscriptions.
 */
async function onLiveSocket(teamId: string, refuse: (client: ReturnType<typeof wsClient>) => Promise<void>) {
  const client = wsClient(cp.controlPlane.url, TEST_ADMIN_KEY);
  const closes: unknown[] = [];
  client.on('closed', (event) => closes.push(event));
  const live = subscribe(client, 'subscription($t: ID!) { usage(teamId: $t) { id } }', { t: teamId })[Symbol.asyncIterator]();
  const pending = live.next();
  try {
    await refuse(client);
    const viewer = subscribe(client, '{ viewer { kind } }')[Symbol.asyncIterator]();
    expect((await nextWithin(viewer)).value).toEqual({ data: { viewer: { kind: 'admin' } } });
    expect(closes).toEqual([]);
  } finally {
    await live.return?.();
    await client.dispose();
    await pending.catch(() => undefined);
  }
}

describe('operation limits', () => {
  it('refuses a query deeper than the limit', async () => {
    // viewer > team > (plan > teams > edges > node) x3 > id: depth 15, cheap otherwise.
    const levels = 3;
    const deep = `{ viewer { team { ${'plan { teams { edges { node { '.repeat(levels)}id${' } } } }'.repeat(levels)} } } }`;
    const body = await cp.gql(deep);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: OPERATION_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: viewer { kind }`).join(' ');
    const body = await cp.gql(`{ ${aliases} }`);
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses an operation with too many tokens', async () => {
    const fields = Array.from({ length: OPERATION_LIMITS.maxTokens }, () => 'kind').join(' ');
    const body = await cp.gql(`{ viewer { ${fields} } }`);
    expect(body.errors?.[0]?.message).toMatch(/token/i);
  });

  it('refuses an operation above the cost limit', async () => {
    const branch = 'teams { edges { node { plan { teams { edges { node { apiKeys { edges { node { id name prefix allowedModels createdAt } } } } } } } } } }';
    const wide = Array.from({ length: OPERATION_LIMITS.maxAliases }, (_, i) => `t${i}: ${branch}`).join(' ');
    const body = await cp.gql(`{ ${wide} }`);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/cost/i);
  });

  it('labels every limit by what it is, never "Syntax Error", with a code to branch on', async () => {
    const branch = 'teams(first: 100) { edges { node { apiKeys(first: 100) { edges { node { id } } } } } }';
    const refusals = {
      OPERATION_TOO_DEEP: `{ viewer { team { ${'plan { teams { edges { node { '.repeat(3)}id${' } } } }'.repeat(3)} } } }`,
      TOO_MANY_ALIASES: `{ ${Array.from({ length: OPERATION_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`,
      TOO_MANY_DIRECTIVES: `{ viewer { kind ${'@include(if: true) '.repeat(OPERATION_LIMITS.maxDirectives + 1)} } }`,
      TOO_MANY_TOKENS: `{ viewer { ${Array.from({ length: OPERATION_LIMITS.maxTokens }, () => 'kind').join(' ')} } }`,
      OPERATION_TOO_COSTLY: `{ ${branch} }`,
    };
    for (const [expected, query] of Object.entries(refusals)) {
      const body = await cp.gql(query);
      expect(body.data, expected).toBeUndefined();
      expect(body.errors?.[0]?.message, expected).not.toMatch(/syntax error/i);
      expect(code(body), expected).toBe(expected);
    }
  });

  it('lets ordinary pages through: 50 teams with 50 keys each, default pages three levels down', async () => {
    const pages = [
      '{ teams(first: 50) { edges { node { id slug apiKeys(first: 50) { edges { node { id name prefix allowedModels createdAt } } } } } } }',
      '{ teams { edges { node { id members { edges { node { id email role } } } apiKeys { edges { node { id name } } } } } } }',
      'query($n: Int) { teams(first: $n) { edges { node { id apiKeys(first: 20) { edges { node { id } } } } } } }',
    ];
    for (const query of pages) {
      const body = await cp.gql(query, { n: 50 });
      expect(body.errors, query).toBeUndefined();
      expect(body.data?.teams?.edges?.length, query).toBeGreaterThan(0);
    }
  });

  it('counts a variable page size as the largest page (first: $n is not free)', async () => {
    const query = 'query($n: Int, $m: Int) { teams(first: $n) { edges { node { id apiKeys(first: $m) { edges { node { id } } } } } } }';
    const body = await cp.gql(query, { n: 1, m: 1 });
    expect(code(body)).toBe('OPERATION_TOO_COSTLY');
  });

  it('over graphql-ws, a query that does not parse or is over the token limit is that operation’s error (it closed the socket, 4500)', async () => {
    const teamId = (await cp.gql('{ teams(first: 1) { edges { node { id } } } }')).data.teams.edges[0].node.id;
    await onLiveSocket(teamId, async (client) => {
      for (const [query, expected] of [
        ['{{{', /^Syntax Error/],
        [`{ ${'viewer { kind } '.repeat(OPERATION_LIMITS.maxTokens)} }`, /^Operation refused: .*token/i],
      ] as const) {
        const refused = await nextWithin(subscribe(client, query)[Symbol.asyncIterator]()).then(
          () => null,
          (errors: unknown) => errors as { message: string }[],
        );
        expect(refused?.[0]?.message).toMatch(expected);
      }
    });
  });

  it('does not batch', async () => {
    const response = await fetch(cp.controlPlane.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify([{ query: '{ viewer { kind } }' }, { query: '{ viewer { kind } }' }]),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});

describe('text and instants the database cannot store (they were masked 500s)', () => {
  const refused = (body: any, pattern: RegExp) => {
    expect(body.data?.result ?? null).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors[0].message).toMatch(pattern);
  };
  const rollup =
    'query($teamId: ID!, $from: DateTime!, $to: DateTime!) { result: usageRollup(teamId: $teamId, from: $from, to: $to, groupBy: [MODEL]) { requests } }';
  const demoTeam = async () => (await cp.gql('{ teams(first: 1) { edges { node { id } } } }')).data.teams.edges[0].node.id;

  it.each([
    ['a NUL in a query literal', '{ result: models(search: "a\\u0000b") { edges { node { id } } } }', undefined],
    [
      'a NUL in a mutation input',
      'mutation($input: CreateTeamInput!) { result: createTeam(input: $input) { __typename } }',
      { input: { name: 'a\u0000b', slug: 'nul' } },
    ],
    [
      'an unpaired surrogate in a mutation input',
      'mutation($input: CreateRoutingProfileInput!) { result: createRoutingProfile(input: $input) { __typename } }',
      { input: { name: 'lone', strategy: 'COST', description: 'x\ud800' } },
    ],
    [
      'a NUL deep in a list variable',
      'query($tags: [String!], $teamId: ID!) { result: spendByTag(teamId: $teamId, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", tags: $tags) { tag } }',
      { tags: ['ok', 'a\u0000b'] },
    ],
  ])('%s: BAD_USER_INPUT, before any resolver runs', async (_name, query, variables) => {
    // (An operation ignores variables it does not declare: teamId only matters to spendByTag.)
    refused(await cp.gql(query, variables && { teamId: await demoTeam(), ...variables }), /NUL character or an unpaired surrogate/);
    expect((await cp.gql('{ result: teams(slug: "nul") { edges { node { id } } } }')).data.result.edges).toEqual([]);
  });

  it('over graphql-ws too, as a result: the socket stays open for the caller’s other operations', async () => {
    await onLiveSocket(await demoTeam(), async (client) => {
      const refusal = subscribe(client, 'subscription($t: ID!) { usage(teamId: $t) { id } }', { t: 'a\u0000b' })[Symbol.asyncIterator]();
      const { value } = await nextWithin(refusal);
      expect(value.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    });
  });

  it.each(['-010000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z', '+010000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z'])(
    'a DateTime of %s is refused',
    async (from) => {
      refused(await cp.gql(rollup, { teamId: await demoTeam(), from, to: '2026-01-01T00:00:00Z' }), /DateTime must be .* between 1970-01-01 and 9999-12-31/);
    },
  );

  it('accepts 1970-01-01 to the end of 9999', async () => {
    const body = await cp.gql(rollup, { teamId: await demoTeam(), from: '1970-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' });
    expect(body.errors).toBeUndefined();
  });
});

describe('production mode', () => {
  it('answers no introspection', async () => {
    const body = await cp.gql('{ __schema { types { name } } }');
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('suggests no field names', async () => {
    const body = await cp.gql('{ viewr { kind } }');
    expect(code(body)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).not.toMatch(/did you mean/i);
  });

  it('masks unexpected errors', async () => {
    // A database error that is no outage (no bad input reaches the database any more, see above):
    // the table the query reads is gone for a moment. The client must not see the cause.
    await cp.database.prisma.$executeRawUnsafe('ALTER TABLE "Model" RENAME TO "ModelAway"');
    try {
      const body = await cp.gql('{ models { edges { node { id } } } }');
      expect(body.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(body)).not.toMatch(/prisma|ModelAway|does not exist|P20/i);
    } finally {
      await cp.database.prisma.$executeRawUnsafe('ALTER TABLE "ModelAway" RENAME TO "Model"');
    }
  });
});
