import net, { type AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DataPlane } from '../../data-plane/app.ts';
import type { ControlPlaneHarness } from '../support/control-plane-harness.ts';
import { type FakeFixtureUpstream, startFakeFixtureUpstream } from '../support/fake-fixture-upstream.ts';
import { type GqlKit, gqlKit } from '../support/gql-kit.ts';
import { type Planes, startPlanesOnServices } from '../support/in-process-planes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

/**
 * Routing as an operator configures it: providers, models, a fallback chain and per-deployment
 * timeouts created over GraphQL on real PostgreSQL, compiled into a snapshot, carried over Redis
 * to a data plane on its own connections, and exercised with the official openai SDK on every
 * model endpoint. The ledger (GraphQL usageEvents) then holds exactly one row per attempt.
 */
describe.skipIf(!servicesUp)('configured routing, end to end on PostgreSQL and Redis', () => {
  let control: ControlPlaneHarness;
  let kit: GqlKit;
  let planes: Planes;
  let data: DataPlane;
  let failing: FakeFixtureUpstream;
  let healthy: FakeFixtureUpstream;
  let silent: net.Server;
  let client: OpenAI;
  let teamId: string;
  const attemptsSeen: number[] = [];

  beforeAll(async () => {
    [failing, healthy] = await Promise.all([startFakeFixtureUpstream(), startFakeFixtureUpstream()]);
    silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    planes = await startPlanesOnServices({
      // Short backoffs keep the test quick; a long default connect timeout shows the deployment's own.
      routing: { retry: { backoffBaseMs: 20, backoffMaxMs: 40 }, timeouts: { connectMs: 60_000 } },
    });
    ({ control, data } = planes);
    kit = gqlKit(control);

    const provider = (name: string, baseUrl: string) => kit.provider({ name, kind: 'OPENAI_COMPATIBLE', baseUrl, apiKey: `sk-${name}` });
    const a = await provider('flaky', `${failing.origin}/v1`);
    const b = await provider('steady', `${healthy.origin}/v1`);
    const dead = await provider('unreachable', `https://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`);
    const capabilities = { streaming: true, tools: true, embeddings: true };
    const price = { inputPerMillion: '1000000', outputPerMillion: '2000000' };
    await kit.model({ name: 'backup', capabilities, price, deployments: [{ providerId: b.id, upstreamModel: 'backup-b' }] });
    const chain = await kit.ok('createFallbackChain', {
      input: { name: 'to-backup', models: ['backup'], triggers: ['SERVER_ERROR', 'TIMEOUT', 'RATE_LIMIT'] },
    });
    await kit.model({ name: 'primary', capabilities, price, fallbackChainId: chain.id, deployments: [{ providerId: a.id, upstreamModel: 'primary-a' }] });
    await kit.model({
      name: 'far-away',
      capabilities,
      price,
      fallbackChainId: chain.id,
      deployments: [{ providerId: dead.id, upstreamModel: 'never', timeouts: { connectMs: 200 } }],
    });
    teamId = (await kit.team({ slug: 'routing' })).id;
    const { secret } = await kit.apiKey({ teamId });
    client = new OpenAI({ baseURL: `http://127.0.0.1:${data.port}/v1`, apiKey: secret, maxRetries: 0, timeout: 20_000 });
    await vi.waitFor(async () => expect((await client.models.list()).data.map((model) => model.id)).toContain('far-away'), { timeout: 5_000, interval: 50 });
  });

  afterAll(async () => {
    await planes?.close();
    await Promise.all([failing?.close(), healthy?.close()]);
    silent?.close();
  });

  const failThrice = () => failing.enqueue(...Array.from({ length: 3 }, () => ({ status: 500, file: 'openai/error-500.json' })));
  const served = (response: Response) => {
    attemptsSeen.push(Number(response.headers.get('x-tollgate-attempts')));
    return { model: response.headers.get('x-tollgate-model'), provider: response.headers.get('x-tollgate-provider') };
  };

  it('chat falls back from the failing model to the chain', async () => {
    failThrice();
    healthy.enqueue({ file: 'openai/text.json' });
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'primary', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(completion.choices[0].message.content).toBe('Hello! Grüße aus 東京 👋');
    expect(served(response)).toEqual({ model: 'backup', provider: 'steady' });
    expect(healthy.requests.at(-1)).toMatchObject({ url: '/v1/chat/completions', body: { model: 'backup-b' } });
  });

  it('embeddings fall back the same way', async () => {
    failThrice();
    healthy.enqueue({ file: 'openai/embeddings.json' });
    const { data: embeddings, response } = await client.embeddings.create({ model: 'primary', input: ['a', 'b'] }).withResponse();
    expect(embeddings.data).toHaveLength(2);
    expect(served(response)).toEqual({ model: 'backup', provider: 'steady' });
    expect(healthy.requests.at(-1)).toMatchObject({ url: '/v1/embeddings', body: { model: 'backup-b', input: ['a', 'b'] } });
  });

  it('legacy completions fall back the same way, streamed', async () => {
    failThrice();
    healthy.enqueue({ file: 'openai/text-completion.sse', sliceBytes: 7 });
    const stream = client.completions.create({ model: 'primary', prompt: 'Say this is a test', stream: true });
    const { data: events, response } = await stream.withResponse();
    let text = '';
    for await (const event of events) text += event.choices[0]?.text ?? '';
    expect(text).toBe('\n\nThis is indeed a test');
    expect(served(response)).toEqual({ model: 'backup', provider: 'steady' });
  });

  it("a deployment's connect timeout set over GraphQL ends its attempts, and the chain serves", async () => {
    healthy.enqueue({ file: 'openai/text.json' });
    const { response } = await client.chat.completions.create({ model: 'far-away', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(served(response)).toEqual({ model: 'backup', provider: 'steady' });
  });

  it('the ledger holds one row per attempt: failures at $0, each success priced exactly', async () => {
    const expected = attemptsSeen.reduce((sum, attempts) => sum + attempts, 0);
    expect(attemptsSeen).toHaveLength(4);
    const rows = await vi.waitFor(
      async () => {
        const { result } = await kit.query(
          'usageEvents',
          { teamId, first: 100 },
          'edges { node { attempt model provider outcome status promptTokens completionTokens cost } }',
        );
        const nodes = result.edges.map((edge: any) => edge.node);
        expect(nodes).toHaveLength(expected);
        return nodes;
      },
      { timeout: 10_000, interval: 100 },
    );
    const ok = rows.filter((row: any) => row.outcome === 'ok');
    expect(ok).toHaveLength(4);
    expect(ok.every((row: any) => row.model === 'backup' && row.provider === 'steady')).toBe(true);
    // $1 and $2 per million: 12 + 2 * 15 (chat), 8 (embeddings), 5 + 2 * 7 (text) micro-USD.
    expect(ok.map((row: any) => row.cost).sort()).toEqual(['19', '42', '42', '8'].sort());
    const failed = rows.filter((row: any) => row.outcome !== 'ok');
    expect(failed.every((row: any) => row.cost === '0' && ['flaky', 'unreachable'].includes(row.provider))).toBe(true);
    expect(failed.filter((row: any) => row.provider === 'flaky').every((row: any) => row.status === 500 && row.outcome === 'upstream_error')).toBe(true);
    expect(failed.filter((row: any) => row.provider === 'unreachable').every((row: any) => row.status === 0 && row.outcome === 'timeout')).toBe(true);
  });
});
