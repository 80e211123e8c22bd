import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';

// CRUD of the platform catalogue through GraphQL: routing profiles, fallback chains, plans,
// providers, models with their prices, deployments. Each runs against PGlite and PostgreSQL.

forEachDatabase((target) => {
  let cp: ControlPlaneHarness;
  let k: GqlKit;
  let mockProviderId: string;

  beforeAll(async () => {
    cp = await startControlPlaneHarness(target.options);
    k = gqlKit(cp);
    const providers = await k.query('providers', { kind: 'MOCK' }, 'edges { node { id } }');
    mockProviderId = providers.result.edges[0].node.id;
  });
  afterAll(async () => cp?.close());

  it('routing profiles: create, read, update, delete; in use cannot be deleted', async () => {
    const eco = await k.ok('createRoutingProfile', { input: { name: 'eco', strategy: 'COST', description: 'cheapest first' } }, 'id name strategy');
    expect(eco).toMatchObject({ name: 'eco', strategy: 'COST' });
    expect((await k.mutate('createRoutingProfile', { input: { name: 'eco', strategy: 'LATENCY' } })).typename).toBe('ConflictError');
    expect((await k.mutate('createRoutingProfile', { input: { name: 'Eco Mode', strategy: 'COST' } })).typename).toBe('ValidationError');

    const updated = await k.ok('updateRoutingProfile', { input: { id: eco.id, strategy: 'LEAST_BUSY' } }, 'strategy description');
    expect(updated).toEqual({ strategy: 'LEAST_BUSY', description: 'cheapest first' });
    expect((await k.query('routingProfile', { id: eco.id }, 'name strategy')).result).toEqual({ name: 'eco', strategy: 'LEAST_BUSY' });
    expect((await k.query('routingProfiles', { strategy: 'LEAST_BUSY' }, 'edges { node { name } }')).result.edges).toEqual([{ node: { name: 'eco' } }]);

    const team = await k.team({ slug: 'profiled', routingProfileId: eco.id });
    expect((await k.mutate('deleteRoutingProfile', { id: eco.id })).typename).toBe('ConflictError');
    await k.ok('updateTeam', { input: { id: team.id, routingProfileId: null } });
    expect(await k.ok('deleteRoutingProfile', { id: eco.id })).toBe(eco.id);
    expect((await k.query('routingProfile', { id: eco.id }, 'id')).result).toBeNull();
  });

  it('fallback chains: ordered models and triggers; unknown models refused; attach and detach', async () => {
    await k.model({ name: 'fb-a', deployments: [{ providerId: mockProviderId, upstreamModel: 'a' }] });
    await k.model({ name: 'fb-b', deployments: [{ providerId: mockProviderId, upstreamModel: 'b' }] });
    const chain = await k.ok(
      'createFallbackChain',
      { input: { name: 'cheap-then-demo', models: ['fb-b', 'fb-a', 'demo'], triggers: ['RATE_LIMIT', 'SERVER_ERROR', 'TIMEOUT'] } },
      'id name triggers models { name }',
    );
    expect(chain.models.map((m: { name: string }) => m.name)).toEqual(['fb-b', 'fb-a', 'demo']);
    expect(chain.triggers).toEqual(['RATE_LIMIT', 'SERVER_ERROR', 'TIMEOUT']);

    const unknown = await k.mutate('createFallbackChain', { input: { name: 'bad', models: ['nope'], triggers: ['TIMEOUT'] } });
    expect(unknown.typename).toBe('ValidationError');
    expect(unknown.error.issues[0]).toEqual({ path: 'models', message: 'unknown model(s): nope' });
    const duplicate = await k.mutate('createFallbackChain', { input: { name: 'dup', models: ['demo', 'demo'], triggers: ['TIMEOUT'] } });
    expect(duplicate.typename).toBe('ValidationError');

    const updated = await k.ok(
      'updateFallbackChain',
      { input: { id: chain.id, models: ['fb-a'], triggers: ['CONTENT_POLICY', 'CONTEXT_WINDOW'] } },
      'triggers models { name }',
    );
    expect(updated).toEqual({ triggers: ['CONTENT_POLICY', 'CONTEXT_WINDOW'], models: [{ name: 'fb-a' }] });

    const model = await k.query('model', { name: 'fb-b' }, 'id');
    await k.ok('updateModel', { input: { id: model.result.id, fallbackChainId: chain.id } });
    expect((await k.mutate('deleteFallbackChain', { id: chain.id })).typename).toBe('ConflictError');
    // A model in a chain cannot be deleted either.
    const a = await k.query('model', { name: 'fb-a' }, 'id');
    expect((await k.mutate('deleteModel', { id: a.result.id })).typename).toBe('ConflictError');
    await k.ok('updateModel', { input: { id: model.result.id, fallbackChainId: null } });
    expect(await k.ok('deleteFallbackChain', { id: chain.id })).toBe(chain.id);
    expect((await k.query('fallbackChains', {}, 'edges { node { id } }')).result.edges).toEqual([]);
  });

  it('plans: every field round-trips; unknown models and bad values are refused; a plan in use cannot be deleted', async () => {
    const plan = await k.ok(
      'createPlan',
      {
        input: {
          name: 'pro',
          description: 'For teams',
          allowedModels: ['demo'],
          limits: { rpm: 600, tpm: 200_000, maxParallel: 20 },
          budget: { amount: '50000000', period: 'MONTHLY', hard: false, alertThresholds: [100, 50, 80] },
          markupBasisPoints: 1500,
          billing: 'PREPAID',
        },
      },
      'id name description allowedModels limits { rpm tpm maxParallel } budget { amount period hard alertThresholds } markupBasisPoints billing',
    );
    expect(plan).toMatchObject({
      name: 'pro',
      allowedModels: ['demo'],
      limits: { rpm: 600, tpm: 200000, maxParallel: 20 },
      budget: { amount: '50000000', period: 'MONTHLY', hard: false, alertThresholds: [50, 80, 100] },
      markupBasisPoints: 1500,
      billing: 'PREPAID',
    });

    const unknown = await k.mutate('createPlan', { input: { name: 'bad', allowedModels: ['demo', 'gpt-9'] } });
    expect(unknown).toMatchObject({ typename: 'ValidationError', error: { issues: [{ path: 'allowedModels', message: 'unknown model(s): gpt-9' }] } });
    const negative = await k.mutate('createPlan', { input: { name: 'neg', budget: { amount: '-5', period: 'DAILY' } } });
    expect(negative.typename).toBe('ValidationError');
    expect(negative.error.issues[0]).toMatchObject({ path: 'budget.amountMicroUsd', message: 'amounts cannot be negative' });
    expect((await k.mutate('createPlan', { input: { name: 'neg2', markupBasisPoints: -1 } })).typename).toBe('ValidationError');
    expect((await k.mutate('createPlan', { input: { name: 'pro' } })).typename).toBe('ConflictError');

    const updated = await k.ok(
      'updatePlan',
      { input: { id: plan.id, limits: null, budget: null, billing: 'POSTPAID' } },
      'limits { rpm } budget { amount } billing markupBasisPoints',
    );
    expect(updated).toEqual({ limits: { rpm: null }, budget: null, billing: 'POSTPAID', markupBasisPoints: 1500 });

    const team = await k.team({ slug: 'on-pro', planId: plan.id });
    expect((await k.query('plan', { id: plan.id }, 'teams { edges { node { slug } } }')).result.teams.edges).toEqual([{ node: { slug: 'on-pro' } }]);
    expect((await k.query('plans', { search: 'PR' }, 'edges { node { name } }')).result.edges).toEqual([{ node: { name: 'pro' } }]);
    expect((await k.mutate('deletePlan', { id: plan.id })).typename).toBe('ConflictError');
    // Deleting a model a plan names is refused too: the allow-list would silently shrink.
    const demo = await k.query('model', { name: 'demo' }, 'id');
    expect((await k.mutate('deleteModel', { id: demo.result.id })).typename).toBe('ConflictError');
    await k.ok('setTeamPlan', { teamId: team.id, planId: null });
    expect(await k.ok('deletePlan', { id: plan.id })).toBe(plan.id);
  });

  it('providers: platform and bring-your-own-key; URLs checked; credentials write-only; no delete while deployed', async () => {
    const byokTeam = await k.team({ slug: 'byok' });
    const azure = await k.ok(
      'createProvider',
      { input: { name: 'azure-eu', kind: 'AZURE_OPENAI', baseUrl: 'https://eu.example.com/openai', apiKey: 'az-secret-1', apiVersion: '2024-10-21' } },
      'id kind baseUrl apiVersion hasCredential credentialKeyId team { id }',
    );
    expect(azure).toMatchObject({
      kind: 'AZURE_OPENAI',
      baseUrl: 'https://eu.example.com/openai',
      apiVersion: '2024-10-21',
      hasCredential: true,
      credentialKeyId: 'test',
      team: null,
    });
    expect((await k.mutate('createProvider', { input: { name: 'az2', kind: 'AZURE_OPENAI', baseUrl: 'https://x.example.com' } })).error.issues[0].path).toBe(
      'apiVersion',
    );
    const malformed = await k.mutate('createProvider', { input: { name: 'bad-url', kind: 'OPENAI_COMPATIBLE', baseUrl: 'not a url' } });
    expect(malformed).toMatchObject({ typename: 'ValidationError', error: { issues: [{ path: 'baseUrl', message: 'must be an http(s) URL' }] } });

    const own = await k.ok(
      'createProvider',
      { input: { name: 'byok-openai', kind: 'OPENAI', apiKey: 'sk-team-own', teamId: byokTeam.id } },
      'id baseUrl team { slug }',
    );
    expect(own).toMatchObject({ baseUrl: 'https://api.openai.com/v1', team: { slug: 'byok' } });
    expect((await k.query('providers', { teamId: byokTeam.id }, 'edges { node { name } }')).result.edges).toEqual([{ node: { name: 'byok-openai' } }]);
    expect((await k.query('providers', { platformOnly: true }, 'edges { node { name } }')).result.edges.map((e: any) => e.node.name)).toEqual([
      'mock',
      'azure-eu',
    ]);

    const updated = await k.ok('updateProvider', { input: { id: azure.id, apiKey: null, baseUrl: 'https://eu2.example.com/' } }, 'baseUrl hasCredential');
    expect(updated).toEqual({ baseUrl: 'https://eu2.example.com', hasCredential: false });

    const model = await k.model({ name: 'on-azure', deployments: [{ providerId: azure.id, upstreamModel: 'gpt-4o' }] });
    expect((await k.mutate('deleteProvider', { id: azure.id })).typename).toBe('ConflictError');
    await k.ok('deleteModel', { id: model.id });
    expect(await k.ok('deleteProvider', { id: azure.id })).toBe(azure.id);
    expect((await k.query('provider', { id: azure.id }, 'id')).result).toBeNull();
  });

  it('providers: bedrock and vertex need a region, which leaves no base URL to default', async () => {
    const bedrock = await k.ok(
      'createProvider',
      { input: { name: 'bedrock-us', kind: 'BEDROCK', region: 'us-east-1', apiKey: '{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"s"}' } },
      'id kind region baseUrl hasCredential',
    );
    expect(bedrock).toMatchObject({ kind: 'BEDROCK', region: 'us-east-1', baseUrl: null, hasCredential: true });
    expect((await k.mutate('createProvider', { input: { name: 'vertex-nowhere', kind: 'VERTEX', apiKey: '{}' } })).error.issues[0].path).toBe('region');
    const hostile = await k.mutate('createProvider', { input: { name: 'bedrock-bad', kind: 'BEDROCK', region: 'evil.example.com/#' } });
    expect(hostile).toMatchObject({ typename: 'ValidationError', error: { issues: [{ path: 'region' }] } });
    expect((await k.mutate('updateProvider', { input: { id: bedrock.id, region: null } })).error.issues[0].path).toBe('region');
    expect(await k.ok('updateProvider', { input: { id: bedrock.id, region: 'eu-central-1' } }, 'region')).toEqual({ region: 'eu-central-1' });
  });

  it('models: every field, alias clashes, price versions that never rewrite history', async () => {
    const model = await k.ok(
      'createModel',
      {
        input: {
          name: 'gpt-4o',
          aliases: ['4o'],
          description: 'Omni',
          tags: ['chat', 'vision'],
          contextWindow: 128000,
          maxOutputTokens: 16384,
          capabilities: { tools: true, embeddings: false, streaming: true },
          price: { inputPerMillion: '2500000', outputPerMillion: '10000000', cachedInputPerMillion: '1250000' },
          deployments: [{ providerId: mockProviderId, upstreamModel: 'gpt-4o-2024-08-06', weight: 3 }],
        },
      },
      'id name aliases tags contextWindow maxOutputTokens capabilities { streaming tools embeddings } currentPrice { inputPerMillion cachedInputPerMillion } deployments { weight }',
    );
    expect(model).toMatchObject({
      aliases: ['4o'],
      tags: ['chat', 'vision'],
      contextWindow: 128000,
      capabilities: { streaming: true, tools: true, embeddings: false },
      currentPrice: { inputPerMillion: '2500000', cachedInputPerMillion: '1250000' },
      deployments: [{ weight: 3 }],
    });
    expect((await k.mutate('createModel', { input: { name: '4o', deployments: [{ providerId: mockProviderId, upstreamModel: 'x' }] } })).typename).toBe(
      'ConflictError',
    );
    expect((await k.mutate('createModel', { input: { name: 'no-deployments', deployments: [] } })).typename).toBe('ValidationError');

    const updated = await k.ok(
      'updateModel',
      { input: { id: model.id, aliases: ['omni'], tags: ['chat'], capabilities: { embeddings: true } } },
      'aliases tags capabilities { embeddings tools }',
    );
    expect(updated).toEqual({ aliases: ['omni'], tags: ['chat'], capabilities: { embeddings: true, tools: true } });
    expect((await k.query('models', { tag: 'chat' }, 'edges { node { name } }')).result.edges).toEqual([{ node: { name: 'gpt-4o' } }]);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    await k.ok('setModelPrice', { input: { modelId: model.id, price: { inputPerMillion: 2_000_000, outputPerMillion: 8_000_000 }, effectiveFrom: future } });
    const past = await k.mutate('setModelPrice', {
      input: { modelId: model.id, price: { inputPerMillion: 1, outputPerMillion: 1 }, effectiveFrom: '2020-01-01T00:00:00Z' },
    });
    expect(past.typename).toBe('ValidationError');
    const prices = await k.query('model', { id: model.id }, 'prices { inputPerMillion effectiveFrom } currentPrice { inputPerMillion }');
    expect(prices.result.prices.map((p: any) => p.inputPerMillion)).toEqual(['2000000', '2500000']);
    expect(prices.result.currentPrice.inputPerMillion).toBe('2500000');
  });

  it('deployments: add to a model group, change limits and timeouts, remove', async () => {
    const model = await k.query('model', { name: 'demo' }, 'id');
    const created = await k.ok(
      'createDeployment',
      {
        input: { modelId: model.result.id, providerId: mockProviderId, upstreamModel: 'mock-2', weight: 2, limits: { rpm: 100 }, timeouts: { totalMs: 30000 } },
      },
      'id upstreamModel weight limits { rpm tpm } timeouts { totalMs connectMs } provider { name } model { name }',
    );
    expect(created).toMatchObject({
      upstreamModel: 'mock-2',
      weight: 2,
      limits: { rpm: 100, tpm: null },
      timeouts: { totalMs: 30000, connectMs: null },
      provider: { name: 'mock' },
      model: { name: 'demo' },
    });
    expect(
      (await k.mutate('createDeployment', { input: { modelId: model.result.id, providerId: mockProviderId, upstreamModel: 'x', timeouts: { totalMs: 5 } } }))
        .typename,
    ).toBe('ValidationError');
    expect((await k.mutate('createDeployment', { input: { modelId: 'missing', providerId: mockProviderId, upstreamModel: 'x' } })).typename).toBe(
      'NotFoundError',
    );

    const updated = await k.ok(
      'updateDeployment',
      { input: { id: created.id, weight: 0, limits: { tpm: 5000 }, timeouts: null } },
      'weight limits { rpm tpm } timeouts { totalMs } extraParameters',
    );
    expect(updated).toEqual({ weight: 0, limits: { rpm: null, tpm: 5000 }, timeouts: { totalMs: null }, extraParameters: [] });

    // Extra request parameters a vLLM/TGI server takes: set, kept when omitted, never one that picks the upstream.
    const extras = { id: created.id, extraParameters: ['top_k', 'repetition_penalty', 'guided_json'] };
    expect(await k.ok('updateDeployment', { input: extras }, 'extraParameters')).toEqual({ extraParameters: extras.extraParameters });
    expect(await k.ok('updateDeployment', { input: { id: created.id, weight: 1 } }, 'extraParameters')).toEqual({ extraParameters: extras.extraParameters });
    for (const bad of [['api_base'], ['base_url'], ['has space'], ['']]) {
      expect((await k.mutate('updateDeployment', { input: { id: created.id, extraParameters: bad } })).typename, String(bad)).toBe('ValidationError');
    }
    expect(await k.ok('updateDeployment', { input: { id: created.id, extraParameters: [] } }, 'extraParameters')).toEqual({ extraParameters: [] });
    expect((await k.query('deployment', { id: created.id }, 'upstreamModel')).result).toEqual({ upstreamModel: 'mock-2' });
    expect(await k.ok('deleteDeployment', { id: created.id })).toBe(created.id);
    expect((await k.query('deployment', { id: created.id }, 'id')).result).toBeNull();
  });
});
