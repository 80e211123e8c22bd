import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SnapshotCachePolicy } from '../../shared/snapshot/schema.ts';
import { specErrors } from '../support/openai-spec.ts';
import { freePort, startRedisServer, stopRedisServer } from '../support/redis-server.ts';
import { isReachable, redisUrl, requireOrSkip } from '../support/services.ts';
import { buildSnapshot, contentOf, deployment, model, publishSnapshot } from '../support/snapshot-fixture.ts';
import { type Harness, KEYS, scenarioSnapshot, startHarness } from './harness.ts';
import { sseFrames } from './providers/provider-harness.ts';

const redisUp = await requireOrSkip('Redis', isReachable(redisUrl()));

/** Team acme caches for an hour at 5 micro-USD a hit (its plan's price); team other caches too. */
const POLICIES: SnapshotCachePolicy[] = [
  { id: 'cp-plan', scope: 'plan', scopeId: 'plan-cache', enabled: true, ttlSeconds: 3600, deterministicOnly: true, hitPriceMicroUsd: 5 },
  { id: 'cp-other', scope: 'team', scopeId: 'other', enabled: true, ttlSeconds: 3600, deterministicOnly: true, hitPriceMicroUsd: 0 },
  // A key of acme with the cache switched off at its level.
  { id: 'cp-limited', scope: 'key', scopeId: 'key-acme-limited', enabled: false, ttlSeconds: 60, deterministicOnly: true, hitPriceMicroUsd: 0 },
];

/** The scenario with acme on a plan, the policies, and an embedding model on the mock provider. */
async function publishCacheScenario(h: Harness): Promise<void> {
  const base = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
  await publishSnapshot(
    h.bus,
    buildSnapshot({
      ...base,
      version: 2,
      teams: base.teams.map((team) => (team.id === 'acme' ? { ...team, planId: 'plan-cache' } : team)),
      plans: [
        { id: 'plan-cache', name: 'cached', allowedModels: [], limits: { rpm: null, tpm: null, maxParallel: null }, markupBasisPoints: 0, billing: 'postpaid' },
      ],
      models: [
        ...base.models,
        model({
          id: 'model-embed',
          name: 'embed',
          capabilities: { streaming: false, tools: false, embeddings: true },
          deployments: [deployment({ id: 'dep-embed', providerId: 'prov-mock', upstreamModel: 'embed-1' })],
        }),
      ],
      cachePolicies: POLICIES,
    }),
  );
  await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
}

const stores = [
  { name: 'embedded (in-process LRU)', redis: false },
  { name: 'Redis', redis: true },
];

describe.each(stores)('response cache, $name', ({ redis }) => {
  const skip = redis && !redisUp;
  let h: Harness;
  let client: OpenAI;
  /** Each test its own prompt, so tests never see each other's entries. */
  let prompt: string;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(redis ? { redisUrl: redisUrl(), keyPrefix: `tg-cache-${randomBytes(5).toString('hex')}` } : {});
    await publishCacheScenario(h);
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 0 });
  });
  afterAll(async () => {
    if (!skip) await h.close();
  });
  beforeEach(() => {
    if (skip) return;
    h.upstream.reset();
    prompt = `Say hello ${randomBytes(6).toString('hex')}`;
  });

  const ask = (overrides: Record<string, unknown> = {}, options: { headers?: Record<string, string>; key?: string } = {}) =>
    (options.key ? new OpenAI({ baseURL: `${h.url}/v1`, apiKey: options.key, maxRetries: 0 }) : client).chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], temperature: 0, ...overrides } as never, { headers: options.headers })
      .withResponse();

  it.skipIf(skip)('a repeated deterministic request is a hit: no upstream call, the same answer, its age, a usage event at the plan price', async () => {
    const first = await ask();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    // Tags and metadata are not part of the key; the hit's event carries the hit's own.
    const second = await ask({ metadata: { ticket: 'T-3' } }, { headers: { 'x-tollgate-tags': 'project:alpha' } });
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(Number(second.response.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(second.response.headers.get('x-tollgate-provider')).toBe('cache');
    expect(second.response.headers.get('x-tollgate-attempts')).toBe('0');
    expect(second.data).toEqual(first.data);
    expect(h.upstream.requests).toHaveLength(1);

    const [missEvent] = await h.usageOf(first.response.headers.get('x-request-id')!);
    const [hitEvent] = await h.usageOf(second.response.headers.get('x-request-id')!);
    expect(missEvent.cacheHit).toBeUndefined();
    expect(hitEvent).toMatchObject({
      cacheHit: true,
      provider: 'cache',
      costMicroUsd: 5,
      cacheSavedMicroUsd: missEvent.costMicroUsd,
      promptTokens: missEvent.promptTokens,
      completionTokens: missEvent.completionTokens,
      teamId: 'acme',
      budgetModelId: 'model-mini',
      outcome: 'ok',
      tags: ['project:alpha'],
      metadata: { ticket: 'T-3' },
    });
    expect(missEvent.costMicroUsd).toBeGreaterThan(0);
  });

  it.skipIf(skip)('key order and parameters that cannot change the answer hit; a changed temperature misses', async () => {
    await ask({ seed: 7, max_tokens: 50 });
    const reordered = await h.chat({ max_tokens: 50, seed: 7, temperature: 0, messages: [{ content: prompt, role: 'user' }], model: 'fast' });
    expect(reordered.headers.get('x-tollgate-cache')).toBe('hit');
    const irrelevant = await ask({ seed: 7, max_tokens: 50, user: 'end-user-9', metadata: { run: 'eval-3' }, store: false });
    expect(irrelevant.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(h.upstream.requests).toHaveLength(1);

    const warmer = await ask({ seed: 7, max_tokens: 50, temperature: 0.5 });
    expect(warmer.response.headers.get('x-tollgate-cache')).toBe('miss');
    const longer = await ask({ seed: 7, max_tokens: 51 });
    expect(longer.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(h.upstream.requests).toHaveLength(3);
  });

  it.skipIf(skip)('team B never gets team A’s answer for the identical body', async () => {
    await ask();
    const other = await ask({}, { key: KEYS.other });
    expect(other.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(h.upstream.requests).toHaveLength(2);
    expect((await ask({}, { key: KEYS.other })).response.headers.get('x-tollgate-cache')).toBe('hit');
  });

  it.skipIf(skip)('off by default and at a level that says so; non-deterministic requests bypass unless the policy allows them', async () => {
    const limitedKey = await ask({}, { key: KEYS.acmeLimited });
    expect(limitedKey.response.headers.get('x-tollgate-cache')).toBe('bypass');
    const sampled = await ask({ temperature: 0.7 });
    expect(sampled.response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect((await ask({ temperature: 0.7 })).response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect(h.upstream.requests).toHaveLength(3);
  });

  it.skipIf(skip)('Cache-Control: no-store neither reads nor writes; no-cache skips the lookup and refreshes the entry', async () => {
    const unstored = await ask({}, { headers: { 'cache-control': 'no-store' } });
    expect(unstored.response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect((await ask()).response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(h.upstream.requests).toHaveLength(2);
    expect((await ask({}, { headers: { 'cache-control': 'no-store' } })).response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect(h.upstream.requests).toHaveLength(3);

    h.upstream.enqueue({ kind: 'reply', content: 'A fresher answer.' });
    const refreshed = await ask({}, { headers: { 'cache-control': 'no-cache' } });
    expect(refreshed.response.headers.get('x-tollgate-cache')).toBe('bypass');
    expect(refreshed.data.choices[0].message.content).toBe('A fresher answer.');
    const after = await ask();
    expect(after.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(after.data.choices[0].message.content).toBe('A fresher answer.');
    expect(h.upstream.requests).toHaveLength(4);
  });

  it.skipIf(skip)('x-tollgate-cache-ttl shortens the policy TTL; a bad value is a 400 in OpenAI’s format', async () => {
    await ask({}, { headers: { 'x-tollgate-cache-ttl': '1' } });
    expect((await ask()).response.headers.get('x-tollgate-cache')).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await ask()).response.headers.get('x-tollgate-cache')).toBe('miss');
    const bad = await h.chat(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], temperature: 0 },
      { headers: { 'x-tollgate-cache-ttl': 'soon' } },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: 'invalid_cache_ttl',
      param: 'x-tollgate-cache-ttl',
    });
  });

  it.skipIf(skip)('a streamed hit is replayed as the live stream was chunked, and passes the same stream checks', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], temperature: 0, stream: true, stream_options: { include_usage: true } };
    h.upstream.enqueue({ kind: 'reply', chunks: ['Hel', 'lo ', 'the', 're!'] });
    const live = await h.chat(body);
    const replayed = await h.chat(body);
    expect(live.headers.get('x-tollgate-cache')).toBe('miss');
    expect(replayed.headers.get('x-tollgate-cache')).toBe('hit');
    for (const response of [live, replayed]) {
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const frames = sseFrames(await response.clone().text());
      expect(frames.at(-1)).toBe('[DONE]');
      const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
      for (const chunk of chunks) expect(specErrors('CreateChatCompletionStreamResponse', chunk), JSON.stringify(chunk)).toEqual([]);
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 7 } });
    }
    expect(sseFrames(await replayed.text())).toEqual(sseFrames(await live.text()));
    expect(h.upstream.requests).toHaveLength(1);

    // Without include_usage the replay has no usage chunk, as live; the SDK reads it like any stream.
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) {
      expect(chunk.usage ?? null).toBeNull();
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('Hello there!');
    expect(h.upstream.requests).toHaveLength(1);
  });

  it.skipIf(skip)('a cached whole answer serves a stream request, and a cached stream a whole request', async () => {
    const whole = await ask();
    const asStream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of asStream) {
      expect(specErrors('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(whole.data.choices[0].message.content);
    expect(usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7 });
    expect(h.upstream.requests).toHaveLength(1);

    const streamedFirst = `${prompt} (streamed first)`;
    h.upstream.enqueue({ kind: 'reply', chunks: ['Str', 'eam', 'ed.'] });
    const live = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: streamedFirst }], seed: 1, stream: true });
    for await (const _ of live);
    const assembled = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: streamedFirst }], seed: 1 })
      .withResponse();
    expect(assembled.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(specErrors('CreateChatCompletionResponse', assembled.data)).toEqual([]);
    expect(assembled.data.choices[0].message.content).toBe('Streamed.');
    expect(assembled.data.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7 });
    expect(h.upstream.requests).toHaveLength(2);
  });

  it.skipIf(skip)('only complete successful answers are stored: never an error, a truncated stream or a content-filtered answer', async () => {
    h.upstream.enqueue({ kind: 'error', status: 400, message: 'bad request', type: 'invalid_request_error' });
    await expect(ask()).rejects.toThrow();
    h.upstream.enqueue({ kind: 'reply', failAfterChunks: 1 });
    const cut = await h.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], temperature: 0, stream: true });
    expect(await cut.text()).toContain('"error"');
    h.upstream.enqueue({ kind: 'reply', finishReason: 'content_filter' });
    expect((await ask()).response.headers.get('x-tollgate-cache')).toBe('miss');
    expect((await ask()).response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(h.upstream.requests).toHaveLength(4);
  });

  it.skipIf(skip)('embeddings, the Messages API and the Responses API are cached per endpoint', async () => {
    const embedded = await client.embeddings.create({ model: 'embed', input: [prompt] }).withResponse();
    expect(embedded.response.headers.get('x-tollgate-cache')).toBe('miss');
    const again = await client.embeddings.create({ model: 'embed', input: [prompt] }).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(again.data.data[0].embedding).toEqual(embedded.data.data[0].embedding);

    const message = { model: 'gpt-4o-mini', max_tokens: 50, temperature: 0, messages: [{ role: 'user', content: prompt }] };
    const post = (path: string, body: unknown) =>
      fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEYS.acme }, body: JSON.stringify(body) });
    expect((await post('/v1/messages', message)).headers.get('x-tollgate-cache')).toBe('miss');
    const messageHit = await post('/v1/messages', message);
    expect(messageHit.headers.get('x-tollgate-cache')).toBe('hit');
    expect(((await messageHit.json()) as { type: string }).type).toBe('message');
    // A stream on /v1/messages is kept and replayed with Anthropic's named events.
    const streamedMessage = { ...message, stream: true, messages: [{ role: 'user', content: `${prompt} (stream)` }] };
    const liveEvents = await (await post('/v1/messages', streamedMessage)).text();
    const replayed = await post('/v1/messages', streamedMessage);
    expect(replayed.headers.get('x-tollgate-cache')).toBe('hit');
    expect(await replayed.text()).toBe(liveEvents);
    expect(liveEvents).toContain('event: message_stop');

    const response = { model: 'gpt-4o-mini', input: prompt, temperature: 0 };
    expect((await post('/v1/responses', response)).headers.get('x-tollgate-cache')).toBe('miss');
    expect((await post('/v1/responses', response)).headers.get('x-tollgate-cache')).toBe('hit');
    expect(h.upstream.requests).toHaveLength(3);
  });

  it.skipIf(skip)('metrics count hits, misses, bypasses and bytes stored', async () => {
    await ask();
    await ask();
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/tollgate_cache_requests_total\{result="hit"\} [1-9]/);
    expect(metrics).toMatch(/tollgate_cache_requests_total\{result="miss"\} [1-9]/);
    expect(metrics).toMatch(/tollgate_cache_stored_bytes_total [1-9]/);
    expect(metrics).toContain('tollgate_cache_evictions_total');
    if (!redis) expect(metrics).toMatch(/tollgate_cache_bytes [1-9]/);
  });
});

describe('in-process cache bound', () => {
  it('evicts the least recently used entries past TOLLGATE_CACHE_MEMORY_BYTES, and counts them', async () => {
    const h = await startHarness({ cacheMemoryBytes: 4_000 });
    try {
      await publishCacheScenario(h);
      const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 0 });
      const ask = (n: number) =>
        client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${n}` }], temperature: 0 }).withResponse();
      for (let n = 0; n < 6; n++) await ask(n);
      expect((await ask(5)).response.headers.get('x-tollgate-cache')).toBe('hit');
      expect((await ask(0)).response.headers.get('x-tollgate-cache')).toBe('miss');
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      expect(metrics).toMatch(/tollgate_cache_evictions_total [1-9]/);
      expect(Number(/tollgate_cache_bytes (\d+)/.exec(metrics)?.[1])).toBeLessThanOrEqual(4_000);
    } finally {
      await h.close();
    }
  });
});

describe('response cache with its Redis stopped mid-run', () => {
  it('serves every request uncached (bypass) and declares the degraded mode in /readyz', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const redis = await startRedisServer(port);
    const h = await startHarness({ redisUrl: url, keyPrefix: 'tg-cache-stop' });
    try {
      await publishCacheScenario(h);
      const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 0 });
      const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], temperature: 0 }).withResponse();
      await vi.waitFor(async () => expect((await ask()).response.headers.get('x-tollgate-cache')).toBe('hit'), { timeout: 5_000 });
      const before = h.upstream.requests.length;

      await stopRedisServer(redis);
      for (let i = 0; i < 3; i++) {
        const answer = await ask();
        expect(answer.response.status).toBe(200);
        expect(answer.response.headers.get('x-tollgate-cache')).toBe('bypass');
        expect(answer.data.choices[0].message.content).toBeTruthy();
      }
      expect(h.upstream.requests.length).toBe(before + 3);
      const ready = (await (await fetch(`${h.url}/readyz`)).json()) as { degraded: string[] };
      expect(ready.degraded).toContain('cache_bypass');
    } finally {
      await h.close();
      await stopRedisServer(redis);
    }
  });
});
