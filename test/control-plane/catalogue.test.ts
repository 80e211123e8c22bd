import { calcPrice } from '@pydantic/genai-prices';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPlane } from '../../data-plane/app.ts';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { startInProcessPlanes, waitFor } from '../support/in-process-planes.ts';

// The model catalogue (@pydantic/genai-prices, bundled: no network): a model created with
// fromCatalogue bills a real request, through the data plane, exactly at the catalogue's price.

let control: ControlPlaneHarness;
let data: DataPlane;
let upstream: FakeOpenAIUpstream;

beforeAll(async () => {
  upstream = await startFakeOpenAIUpstream({
    apiKey: 'sk-catalogue',
    defaultReply: {
      content: 'priced',
      // 300 of the 678 completion tokens were reasoning: billed as output, as the catalogue says.
      usage: {
        prompt_tokens: 12_345,
        completion_tokens: 678,
        total_tokens: 13_023,
        prompt_tokens_details: { cached_tokens: 2_000 },
        completion_tokens_details: { reasoning_tokens: 300 },
      } as never,
    },
  });
  ({ control, data } = await startInProcessPlanes());
});
afterAll(async () => {
  await data?.close();
  await control?.close();
  await upstream?.close();
});

const ok = (body: any, field: string) => {
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(body.data[field].__typename, JSON.stringify(body.data[field])).toMatch(/Success$/);
  return body.data[field].data;
};

/** A new team with a key, and an OpenAI SDK client on the data plane with that key. */
async function teamClient(slug: string) {
  const team = ok(
    await control.gql('mutation($s: String!) { createTeam(input: { name: $s, slug: $s }) { __typename ... on MutationCreateTeamSuccess { data { id } } } }', {
      s: slug,
    }),
    'createTeam',
  );
  const key = ok(
    await control.gql(
      'mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "k" }) { __typename ... on MutationCreateApiKeySuccess { data { secret } } } }',
      { t: team.id },
    ),
    'createApiKey',
  );
  return { team, client: new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey: key.secret, maxRetries: 0 }) };
}

describe('model catalogue', () => {
  it('catalogueModel shows what the catalogue has, in integer micro-USD', async () => {
    const body = await control.gql(
      '{ catalogueModel(kind: OPENAI, model: "gpt-4o") { provider model contextWindow inputPerMillion outputPerMillion cachedInputPerMillion } }',
    );
    expect(body.data.catalogueModel).toEqual({
      provider: 'openai',
      model: 'gpt-4o',
      contextWindow: 128000,
      inputPerMillion: '2500000',
      outputPerMillion: '10000000',
      cachedInputPerMillion: '1250000',
    });
    expect((await control.gql('{ catalogueModel(kind: OPENAI, model: "no-such-model-xyz") { model } }')).data.catalogueModel).toBeNull();
  });

  it('a model created from the catalogue bills a request exactly as the catalogue prices it', async () => {
    const provider = ok(
      await control.gql(
        `mutation($url: String!) { createProvider(input: { name: "openai-cat", kind: OPENAI, baseUrl: $url, apiKey: "sk-catalogue" }) { __typename ... on MutationCreateProviderSuccess { data { id } } } }`,
        { url: upstream.baseUrl },
      ),
      'createProvider',
    );
    const model = ok(
      await control.gql(
        `mutation($p: ID!) { createModel(input: { name: "gpt-4o", fromCatalogue: true, deployments: [{ providerId: $p, upstreamModel: "gpt-4o" }] }) {
          __typename ... on MutationCreateModelSuccess { data { contextWindow currentPrice { inputPerMillion outputPerMillion cachedInputPerMillion } } } } }`,
        { p: provider.id },
      ),
      'createModel',
    );
    expect(model).toEqual({
      contextWindow: 128000,
      currentPrice: { inputPerMillion: '2500000', outputPerMillion: '10000000', cachedInputPerMillion: '1250000' },
    });
    const { team, client } = await teamClient('cat');
    await waitFor(async () => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'price me' }] }).catch(() => undefined));
    const event = await waitFor(() => control.database.prisma.usageEvent.findFirst({ where: { teamId: team.id } }));

    // The catalogue's own calculation, in float USD, for the same usage.
    const catalogue = calcPrice({ input_tokens: 12_345, cache_read_tokens: 2_000, output_tokens: 678 }, 'gpt-4o', { providerId: 'openai' })!;
    // The same in exact integers: 10,345 uncached x $2.50 + 2,000 cached x $1.25 + 678 x $10 per million, rounded up.
    const exact = (10_345n * 2_500_000n + 2_000n * 1_250_000n + 678n * 10_000_000n + 999_999n) / 1_000_000n;
    expect(event.providerCostMicroUsd).toBe(exact);
    expect(event.costMicroUsd).toBe(exact);
    expect(event.reasoningTokens).toBe(300);
    expect(Math.abs(Number(exact) - catalogue.total_price * 1_000_000)).toBeLessThan(1);
  });

  it("a deployment from the catalogue bills at its provider's price, overriding the model's", async () => {
    const providers = await control.gql('{ providers(kind: OPENAI) { edges { node { id } } } }');
    const providerId = providers.data.providers.edges[0].node.id;
    // Priced by hand at $1 / $2; its only deployment drained (weight 0), so the catalogue one serves.
    const model = ok(
      await control.gql(
        `mutation($p: ID!) { createModel(input: { name: "mini-by-deployment", price: { inputPerMillion: 1000000, outputPerMillion: 2000000 },
          deployments: [{ providerId: $p, upstreamModel: "gpt-4o", weight: 0 }] }) { __typename ... on MutationCreateModelSuccess { data { id } } } }`,
        { p: providerId },
      ),
      'createModel',
    );
    const deployment = ok(
      await control.gql(
        `mutation($m: ID!, $p: ID!) { createDeployment(input: { modelId: $m, providerId: $p, upstreamModel: "gpt-4o-mini", fromCatalogue: true }) {
          __typename ... on MutationCreateDeploymentSuccess { data { id currentPrice { inputPerMillion outputPerMillion cachedInputPerMillion deploymentId } } } } }`,
        { m: model.id, p: providerId },
      ),
      'createDeployment',
    );
    expect(deployment.currentPrice).toEqual({
      inputPerMillion: '150000',
      outputPerMillion: '600000',
      cachedInputPerMillion: '75000',
      deploymentId: deployment.id,
    });
    const unknown = await control.gql(
      `mutation($m: ID!, $p: ID!) { createDeployment(input: { modelId: $m, providerId: $p, upstreamModel: "mystery-model-9000", fromCatalogue: true }) {
        __typename ... on ValidationError { issues { path message } } } }`,
      { m: model.id, p: providerId },
    );
    expect(unknown.data.createDeployment.issues).toEqual([
      { path: 'fromCatalogue', message: 'the catalogue has no price for openai model "mystery-model-9000"; give a price instead' },
    ]);

    const { team, client } = await teamClient('dep');
    await waitFor(async () =>
      client.chat.completions.create({ model: 'mini-by-deployment', messages: [{ role: 'user', content: 'price me' }] }).catch(() => undefined),
    );
    const event = await waitFor(() => control.database.prisma.usageEvent.findFirst({ where: { teamId: team.id } }));
    const catalogue = calcPrice({ input_tokens: 12_345, cache_read_tokens: 2_000, output_tokens: 678 }, 'gpt-4o-mini', { providerId: 'openai' })!;
    // 10,345 x $0.15 + 2,000 x $0.075 + 678 x $0.60 per million, rounded up once.
    const exact = (10_345n * 150_000n + 2_000n * 75_000n + 678n * 600_000n + 999_999n) / 1_000_000n;
    expect(event.deploymentId).toBe(deployment.id);
    expect(event.priceVersion).not.toBeNull();
    expect(event.providerCostMicroUsd).toBe(exact);
    expect(Math.abs(Number(exact) - catalogue.total_price * 1_000_000)).toBeLessThan(1);
  });

  it('takes prompt-cache write prices where the catalogue has them (Anthropic)', async () => {
    const provider = ok(
      await control.gql(
        'mutation { createProvider(input: { name: "anthropic-cat", kind: ANTHROPIC, apiKey: "sk-ant-x" }) { __typename ... on MutationCreateProviderSuccess { data { id } } } }',
      ),
      'createProvider',
    );
    const model = ok(
      await control.gql(
        `mutation($p: ID!) { createModel(input: { name: "claude-cat", fromCatalogue: true, deployments: [{ providerId: $p, upstreamModel: "claude-sonnet-4-5" }] }) {
          __typename ... on MutationCreateModelSuccess { data { contextWindow currentPrice { inputPerMillion outputPerMillion cachedInputPerMillion cacheWritePerMillion } } } } }`,
        { p: provider.id },
      ),
      'createModel',
    );
    // genai-prices: $3 / $15 per million, cache reads $0.30, cache writes $3.75 (base tier).
    expect(model).toEqual({
      contextWindow: 200000,
      currentPrice: { inputPerMillion: '3000000', outputPerMillion: '15000000', cachedInputPerMillion: '300000', cacheWritePerMillion: '3750000' },
    });
  });

  it('a model the catalogue does not know is refused, not left unpriced', async () => {
    const providers = await control.gql('{ providers(kind: OPENAI) { edges { node { id } } } }');
    const body = await control.gql(
      `mutation($p: ID!) { createModel(input: { name: "mystery", fromCatalogue: true, deployments: [{ providerId: $p, upstreamModel: "mystery-model-9000" }] }) { __typename ... on ValidationError { issues { path message } } } }`,
      { p: providers.data.providers.edges[0].node.id },
    );
    expect(body.data.createModel).toEqual({
      __typename: 'ValidationError',
      issues: [{ path: 'fromCatalogue', message: 'the catalogue has no price for openai model "mystery-model-9000"; give a price instead' }],
    });
  });
});
