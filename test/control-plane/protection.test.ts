import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_LIMITS } from '../../control-plane/protection.ts';
import { startControlPlaneHarness, TEST_ADMIN_KEY, type ControlPlaneHarness } from '../support/control-plane-harness.ts';

// Protection of the GraphQL endpoint: depth, cost, alias and token limits (graphql-armor),
// batching off, and in production mode no introspection and no field suggestions.

let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness({ production: true });
});
afterAll(async () => cp?.close());

const code = (body: any) => body.errors?.[0]?.extensions?.code;

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

  it('does not batch', async () => {
    const response = await fetch(cp.controlPlane.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify([{ query: '{ viewer { kind } }' }, { query: '{ viewer { kind } }' }]),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
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
    // PostgreSQL refuses NUL in text: a database error, which the client must not see.
    const body = await cp.gql('{ models(search: "a\\u0000b") { edges { node { id } } } }');
    expect(body.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(body)).not.toMatch(/prisma|22021|byte sequence/i);
  });
});
