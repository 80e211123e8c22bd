import { type Client, createClient } from 'graphql-ws';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { DataPlane } from '../../data-plane/app.ts';
import { type ControlPlaneHarness, TEST_ADMIN_KEY } from '../support/control-plane-harness.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { type Planes, startPlanes, waitFor } from '../support/in-process-planes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

/**
 * The walking skeleton end to end, driven by the official openai SDK and a graphql-ws client:
 * once on the embedded defaults (PGlite + in-process bus), once on real PostgreSQL and Redis with
 * each plane holding its own Redis connections, as separate processes would.
 */
describe.each([
  { target: 'PGlite + in-process bus', services: false },
  { target: 'PostgreSQL + Redis', services: true },
])('walking skeleton on $target', ({ services }) => {
  const skip = services && !servicesUp;
  let planes: Planes;
  let control: ControlPlaneHarness;
  let data: DataPlane;
  let upstream: FakeOpenAIUpstream;
  let ws: Client;
  let baseURL: string;

  beforeAll(async () => {
    if (skip) return;
    upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-fake-upstream-key' });
    planes = await startPlanes(services);
    ({ control, data } = planes);
    baseURL = `http://127.0.0.1:${data.port}/v1`;
    ws = createClient({
      url: control.controlPlane.url.replace('http://', 'ws://'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
      lazy: false,
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${data.port}/readyz`)).ok);
  });

  afterAll(async () => {
    if (skip) return;
    await ws?.dispose();
    await planes?.close();
    await upstream?.close();
  });

  it.skipIf(skip)('serves the demo model to the official SDK, plain and streamed, and lists it', async () => {
    const client = new OpenAI({ baseURL, apiKey: control.demoKey!, maxRetries: 0 });
    const plain = await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(plain.object).toBe('chat.completion');
    expect(plain.model).toBe('mock-1'); // the model id the upstream answered with, as OpenAI reports it
    expect(plain.choices[0].message.content).toBeTruthy();
    expect(plain.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(plain.usage!.completion_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plain.choices[0].message.content);
    expect(usage?.completion_tokens).toBe(plain.usage!.completion_tokens);

    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('demo');

    const embedded = await client.embeddings.create({ model: 'demo', input: ['Hello', 'Hello'] });
    expect(embedded.data).toHaveLength(2);
    expect(embedded.data[0].embedding).toEqual(embedded.data[1].embedding);
  });

  it.skipIf(skip)('serves a model created through GraphQL within a second, and streams its usage to a subscriber', async () => {
    const team = await control.gql(`mutation { createTeam(input: { name: "Search", slug: "search" }) { ... on MutationCreateTeamSuccess { data { id } } } }`);
    const teamId = team.data.createTeam.data.id;
    const provider = await control.gql(
      `mutation($url: String!) { createProvider(input: { name: "fake-openai", kind: OPENAI_COMPATIBLE, baseUrl: $url, apiKey: "sk-fake-upstream-key" }) { ... on MutationCreateProviderSuccess { data { id } } } }`,
      { url: upstream.baseUrl },
    );
    const model = await control.gql(
      `mutation($providerId: ID!) { createModel(input: { name: "gpt-4o-mini", price: { inputPerMillion: "150000", outputPerMillion: "600000" }, deployments: [{ providerId: $providerId, upstreamModel: "gpt-4o-mini-2024-07-18" }] }) { ... on MutationCreateModelSuccess { data { id } } } }`,
      { providerId: provider.data.createProvider.data.id },
    );
    expect(model.data.createModel.data.id).toBeTruthy();
    const key = await control.gql(
      `mutation($teamId: ID!) { createApiKey(input: { teamId: $teamId, name: "app" }) { ... on MutationCreateApiKeySuccess { data { secret } } } }`,
      { teamId },
    );
    const secret: string = key.data.createApiKey.data.secret;

    const received: any[] = [];
    const subscribed = new Promise<void>((resolve, reject) => {
      ws.subscribe(
        {
          query: `subscription($teamId: ID!) { usage(teamId: $teamId) { id model provider promptTokens completionTokens cost providerCost priceVersion outcome streamed estimated } }`,
          variables: { teamId },
        },
        { next: (message) => received.push(message.data?.usage ?? message), error: reject, complete: () => undefined },
      );
      // graphql-ws has no "subscribed" ack; the server registers on its next tick.
      setTimeout(resolve, 200);
    });
    await subscribed;

    const client = new OpenAI({ baseURL, apiKey: secret, maxRetries: 0 });
    const started = Date.now();
    const plain = await waitFor(async () => {
      try {
        return await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
      } catch {
        return undefined;
      }
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(plain.choices[0].message.content).toBe('Hello from the fake upstream!');
    const seen = upstream.requests.at(-1)!;
    expect(seen.headers.authorization).toBe('Bearer sk-fake-upstream-key');
    expect(seen.body.model).toBe('gpt-4o-mini-2024-07-18');

    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream) void _chunk;

    await waitFor(async () => received.length >= 2);
    expect(received).toHaveLength(2);
    for (const event of received) {
      // The fake reports 21 prompt and 7 completion tokens: 21 * 0.15 + 7 * 0.60 = 7.35 -> 8 micro-USD.
      expect(event).toMatchObject({
        model: 'gpt-4o-mini',
        provider: 'fake-openai',
        promptTokens: 21,
        completionTokens: 7,
        cost: '8',
        providerCost: '8',
        outcome: 'ok',
        estimated: false,
      });
      expect(event.priceVersion).toBeTruthy();
    }
    expect(received.map((event) => event.streamed).sort()).toEqual([false, true]);
    const stored = await control.database.prisma.usageEvent.count({ where: { teamId } });
    expect(stored).toBe(2);
  });
});
