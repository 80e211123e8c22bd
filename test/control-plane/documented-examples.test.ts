import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_ADMIN_KEY } from '../support/control-plane-harness.ts';
import { startInProcessPlanes, waitFor } from '../support/in-process-planes.ts';

/**
 * The configuration examples in the README, docs/providers.md, docs/cache.md, docs/guardrails.md and docs/routing.md, run as written against a real
 * control plane (docs/money.md's tagged request through a data plane too): a doc that drifts from the schema fails here. `"<provider id>"` and `"<plan id>"`
 * stand for the ids the example's own createProvider and createPlan returned.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Each top-level `mutation { ... }` of every ```graphql block, in document order. */
function graphqlOperations(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks.flatMap((block) => block.split(/^(?=mutation \{)/m).filter((operation) => operation.trim().length > 0));
}

/** The `createProvider` inputs quoted in the README's provider table. */
function tableProviderInputs(markdown: string): string[] {
  const section = markdown.slice(markdown.indexOf('## Providers'), markdown.indexOf('```graphql', markdown.indexOf('## Providers')));
  return [...section.matchAll(/`(\{ name: [^`]+\})`/g)].map((match) => match[1]);
}

let cp: ControlPlaneHarness | null = null;
afterEach(async () => {
  await cp?.close();
  cp = null;
});

async function runInOrder(operations: string[]): Promise<void> {
  let providerId: string | null = null;
  let planId: string | null = null;
  for (const operation of operations) {
    const query = operation
      .replaceAll('"<provider id>"', JSON.stringify(providerId ?? 'none-created-yet'))
      .replaceAll('"<plan id>"', JSON.stringify(planId ?? 'none-created-yet'));
    const result = await cp!.gql(query, {}, TEST_ADMIN_KEY);
    expect(result.errors, operation).toBeUndefined();
    const [field, payload] = Object.entries(result.data ?? {})[0] as [string, { data?: { id?: string } }];
    // The examples select only the success case: anything else comes back as {}.
    expect(payload.data?.id, `${field} failed:\n${operation}`).toEqual(expect.any(String));
    if (field === 'createProvider') providerId = payload.data!.id!;
    if (field === 'createPlan') planId = payload.data!.id!;
  }
}

describe('documented configuration examples', () => {
  it('docs/providers.md: every example runs as written', async () => {
    cp = await startControlPlaneHarness();
    const operations = graphqlOperations(read('docs/providers.md'));
    expect(operations.length).toBeGreaterThanOrEqual(12);
    await runInOrder(operations);
  });

  it('README: the provider example and every provider input in its table', async () => {
    cp = await startControlPlaneHarness();
    const readme = read('README.md');
    await runInOrder(graphqlOperations(readme));
    const inputs = tableProviderInputs(readme);
    expect(inputs.length).toBeGreaterThanOrEqual(6);
    const created: { name: string; kind: string }[] = [];
    for (const input of inputs) {
      const result = await cp.gql(
        `mutation { createProvider(input: ${input}) { __typename ... on MutationCreateProviderSuccess { data { name kind } } ... on Error { message } } }`,
        {},
        TEST_ADMIN_KEY,
      );
      expect(result.errors, input).toBeUndefined();
      expect(result.data.createProvider.__typename, `${input}: ${result.data.createProvider.message}`).toBe('MutationCreateProviderSuccess');
      created.push(result.data.createProvider.data);
    }
    expect(new Set(created.map((provider) => provider.kind))).toEqual(
      new Set(['OPENAI', 'OPENAI_COMPATIBLE', 'AZURE_OPENAI', 'ANTHROPIC', 'GEMINI', 'MISTRAL', 'COHERE', 'BEDROCK', 'VERTEX', 'MOCK']),
    );
  });

  it('docs/config-as-code.md: the example file applies as written, then again without changes', async () => {
    cp = await startControlPlaneHarness();
    const files = [...read('docs/config-as-code.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(files.length).toBeGreaterThanOrEqual(1);
    const APPLY = `mutation($input: ApplyConfigInput!) { applyConfig(input: $input) {
      __typename ... on MutationApplyConfigSuccess { data { changes applied } } ... on Error { message } } }`;
    for (const yaml of files) {
      const env = [{ name: 'OPENAI_API_KEY', value: 'sk-documented' }];
      const first = await cp.gql(APPLY, { input: { yaml, env } }, TEST_ADMIN_KEY);
      expect(first.data.applyConfig, yaml).toMatchObject({ data: { applied: true } });
      const second = await cp.gql(APPLY, { input: { yaml, env } }, TEST_ADMIN_KEY);
      expect(second.data.applyConfig).toEqual({ __typename: 'MutationApplyConfigSuccess', data: { changes: [], applied: false } });
    }
  });

  it('docs/guardrails.md: the guardrail examples run as written', async () => {
    cp = await startControlPlaneHarness();
    const operations = graphqlOperations(read('docs/guardrails.md'));
    expect(operations.map((operation) => /^mutation \{\s*(\w+)/.exec(operation)?.[1])).toEqual([
      'createPlan',
      'createGuardrail',
      'createGuardrail',
      'createGuardrail',
    ]);
    await runInOrder(operations);
  });

  it('docs/cache.md: the cache policy example runs as written', async () => {
    cp = await startControlPlaneHarness();
    const operations = graphqlOperations(read('docs/cache.md'));
    expect(operations.map((operation) => /^mutation \{\s*(\w+)/.exec(operation)?.[1])).toEqual(['createPlan', 'setCachePolicy']);
    await runInOrder(operations);
  });

  it('docs/routing.md: the routing defaults example runs as written', async () => {
    cp = await startControlPlaneHarness();
    const operations = graphqlOperations(read('docs/routing.md'));
    expect(operations.map((operation) => /^mutation \{\s*(\w+)/.exec(operation)?.[1])).toEqual(['setRoutingDefaults']);
    const result = await cp.gql(operations[0], {}, TEST_ADMIN_KEY);
    expect(result.errors).toBeUndefined();
    expect(result.data.setRoutingDefaults.data).toEqual({ maxAttempts: 3, maxAttemptsPerModel: null, timeouts: { firstByteMs: 20000 } });
  });

  it('docs/money.md: the tagged request and the spendByTag query run as written', async () => {
    const planes = await startInProcessPlanes();
    cp = planes.control;
    try {
      const section = read('docs/money.md').slice(read('docs/money.md').indexOf('## Tags and metadata'));
      const command = /```sh\n([\s\S]*?)```/.exec(section)![1]!.replace(/\\\n\s*/g, ' ');
      const url = /curl (\S+)/.exec(command)![1]!.replace('http://127.0.0.1:8080', `http://127.0.0.1:${planes.data.port}`);
      const headers = Object.fromEntries(
        [...command.matchAll(/-H ['"]([^:]+): ([^'"]+)['"]/g)].map(([, name, value]) => [name, value!.replace('$TOLLGATE_API_KEY', cp!.demoKey!)]),
      );
      const body = /-d '([^']+)'/.exec(command)![1]!;
      const response = await waitFor(async () => {
        const answer = await fetch(url, { method: 'POST', headers, body });
        return answer.status === 200 && answer;
      });
      await response.json();
      const team = await cp.database.prisma.team.findUniqueOrThrow({ where: { slug: 'demo' } });
      const event = await waitFor(async () => cp!.database.prisma.usageEvent.findFirst({ where: { teamId: team.id } }));
      expect([event.tags, event.metadata]).toEqual([['project:alpha', 'feature:search', 'customer:42'], { ticket: 'T-1' }]);

      const query = /```graphql\n([\s\S]*?)```/
        .exec(section)![1]!
        .replace('"<team id>"', JSON.stringify(team.id))
        .replace(/from: "[^"]+"/, `from: "${new Date(Date.now() - 86_400_000).toISOString()}"`)
        .replace(/to: "[^"]+"/, `to: "${new Date(Date.now() + 86_400_000).toISOString()}"`);
      const result = await cp.gql(query, {}, TEST_ADMIN_KEY);
      expect(result.errors).toBeUndefined();
      expect(result.data.spendByTag.map((row: { tag: string; requests: number; cost: string }) => [row.tag, row.requests, row.cost])).toEqual(
        ['customer:42', 'feature:search', 'project:alpha'].map((tag) => [tag, 1, String(event.costMicroUsd)]),
      );
    } finally {
      await planes.data.close();
    }
  });

  it('docs/operations.md: the alert channel examples run as written', async () => {
    cp = await startControlPlaneHarness();
    const operations = graphqlOperations(read('docs/operations.md')).filter((operation) => operation.includes('AlertChannel'));
    expect(operations.length).toBeGreaterThanOrEqual(1);
    await runInOrder(operations);
  });
});
