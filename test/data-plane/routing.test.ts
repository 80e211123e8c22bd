import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { buildSnapshot, contentOf, deployment, model, provider, publishSnapshot } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, KEYS, scenarioSnapshot, sseData, startHarness, UPSTREAM_KEY } from './harness.ts';

/**
 * Routing against two fake upstreams: A (the harness's) and B. Deadlines are per deployment and
 * small (first byte 300 ms, idle 300 ms); two failures in a window cool a deployment for 400 ms.
 */
let h: Harness;
let b: FakeOpenAIUpstream;
const FAST = { connectMs: null, firstByteMs: 300, totalMs: 3_000, idleMs: 300 };
const CHAIN_TRIGGERS = ['rate_limit', 'server_error', 'timeout', 'context_window'] as const;

beforeAll(async () => {
  h = await startHarness({ routing: { cooldown: { failuresToCool: 2, windowMs: 10_000, cooldownMs: 400 } } });
  b = await startFakeOpenAIUpstream({ apiKey: UPSTREAM_KEY });
  const content = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
  await publishSnapshot(
    h.bus,
    buildSnapshot({
      ...content,
      version: 2,
      providers: [
        ...content.providers,
        provider({
          id: 'prov-a',
          name: 'upstream-a',
          kind: 'openai-compatible',
          baseUrl: h.upstream.baseUrl,
          seal: { box: h.secretBox, secret: UPSTREAM_KEY },
        }),
        provider({ id: 'prov-b', name: 'upstream-b', kind: 'openai-compatible', baseUrl: b.baseUrl, seal: { box: h.secretBox, secret: UPSTREAM_KEY } }),
        provider({ id: 'prov-quick', name: 'mock-quick', kind: 'mock', baseUrl: 'mock://?latency_ms=5' }),
        provider({ id: 'prov-sluggish', name: 'mock-sluggish', kind: 'mock', baseUrl: 'mock://?latency_ms=60' }),
      ],
      models: [
        ...content.models,
        model({
          id: 'm-duo',
          name: 'duo',
          deployments: [
            deployment({ id: 'dep-duo-a', providerId: 'prov-a', upstreamModel: 'duo-a', weight: 1, timeouts: FAST }),
            deployment({ id: 'dep-duo-b', providerId: 'prov-b', upstreamModel: 'duo-b', weight: 3, timeouts: FAST }),
          ],
        }),
        model({
          id: 'm-primary',
          name: 'primary',
          fallbackChainId: 'chain-backup',
          deployments: [deployment({ id: 'dep-primary', providerId: 'prov-a', upstreamModel: 'primary-a', timeouts: FAST })],
        }),
        model({
          id: 'm-backup',
          name: 'backup',
          deployments: [deployment({ id: 'dep-backup', providerId: 'prov-b', upstreamModel: 'backup-b', timeouts: FAST })],
        }),
        model({
          id: 'm-picky',
          name: 'picky',
          fallbackChainId: 'chain-rate-only',
          deployments: [deployment({ id: 'dep-picky', providerId: 'prov-a', upstreamModel: 'picky-a', timeouts: { ...FAST, totalMs: 400 } })],
        }),
        model({ id: 'm-solo', name: 'solo', deployments: [deployment({ id: 'dep-solo', providerId: 'prov-a', upstreamModel: 'solo-a', timeouts: FAST })] }),
        // No timeout of its own for 10 s: only the client's abort can end its hanging stream sooner.
        model({
          id: 'm-patient',
          name: 'patient',
          deployments: [
            deployment({
              id: 'dep-patient',
              providerId: 'prov-a',
              upstreamModel: 'patient-a',
              timeouts: { connectMs: null, firstByteMs: 10_000, totalMs: 30_000, idleMs: 10_000 },
            }),
          ],
        }),
        model({
          id: 'm-small',
          name: 'small-window',
          contextWindow: 60,
          fallbackChainId: 'chain-big',
          deployments: [deployment({ id: 'dep-small', providerId: 'prov-a', upstreamModel: 'small-a' })],
        }),
        model({
          id: 'm-big',
          name: 'big-window',
          contextWindow: 100_000,
          deployments: [deployment({ id: 'dep-big', providerId: 'prov-b', upstreamModel: 'big-b' })],
        }),
        model({
          id: 'm-tiny',
          name: 'tiny-window',
          contextWindow: 60,
          deployments: [deployment({ id: 'dep-tiny', providerId: 'prov-a', upstreamModel: 'tiny-a' })],
        }),
        model({
          id: 'm-lat',
          name: 'lat',
          deployments: [
            deployment({ id: 'dep-sluggish', providerId: 'prov-sluggish', upstreamModel: 'echo-1' }),
            deployment({ id: 'dep-quick', providerId: 'prov-quick', upstreamModel: 'echo-1' }),
          ],
        }),
      ],
      fallbackChains: [
        { id: 'chain-backup', name: 'to backup', modelIds: ['m-backup'], triggers: [...CHAIN_TRIGGERS] },
        { id: 'chain-rate-only', name: 'on rate limits only', modelIds: ['m-backup'], triggers: ['rate_limit'] },
        { id: 'chain-big', name: 'to a bigger window', modelIds: ['m-big'], triggers: [...CHAIN_TRIGGERS] },
      ],
    }),
  );
  await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
});
afterAll(async () => {
  await h.close();
  await b.close();
});
beforeEach(() => {
  h.upstream.reset();
  b.reset();
  h.cooldowns.clear();
});

const models = (upstream: FakeOpenAIUpstream) => upstream.requests.map((request) => request.body?.model);

describe('retries and fallbacks before the first byte', () => {
  it.each([
    ['a 429', { kind: 'error', status: 429, message: 'slow down' }],
    ['a 500', { kind: 'error', status: 500, message: 'boom' }],
    ['a dropped connection', { kind: 'drop' }],
  ] as const)('falls back to the chain model on %s, one usage event per attempt', async (_name, failure) => {
    h.upstream.enqueue(failure, failure, failure);
    const response = await h.chat(chatBody({ model: 'primary' }), { headers: { 'x-request-id': `fb-${_name.replaceAll(' ', '-')}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-model')).toBe('backup');
    expect(response.headers.get('x-tollgate-provider')).toBe('upstream-b');
    const attempts = Number(response.headers.get('x-tollgate-attempts'));
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(models(b)).toEqual(['backup-b']);
    const events = await h.usageOf(response, attempts);
    expect(events.map((event) => event.attempt)).toEqual(Array.from({ length: attempts }, (_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ model: 'backup', deploymentId: 'dep-backup', outcome: 'ok' });
    expect(events.slice(0, -1).every((event) => event.outcome === 'upstream_error' && event.deploymentId === 'dep-primary')).toBe(true);
  });

  it('retries a 500 on the same deployment after a backoff when it has no other', async () => {
    h.upstream.enqueue({ kind: 'error', status: 500, message: 'blip' });
    const response = await h.chat(chatBody({ model: 'solo' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-attempts')).toBe('2');
    expect(models(h.upstream)).toEqual(['solo-a', 'solo-a']);
  });

  it('fails over to the other deployment of the group before re-trying one', async () => {
    // Both deployments fail once: the second attempt goes to the other one, the third re-tries.
    h.upstream.enqueue({ kind: 'error', status: 500, message: 'a down' });
    b.enqueue({ kind: 'error', status: 500, message: 'b down' });
    const response = await h.chat(chatBody({ model: 'duo' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-attempts')).toBe('3');
    const events = await h.usageOf(response, 3);
    expect(new Set(events.slice(0, 2).map((event) => event.deploymentId))).toEqual(new Set(['dep-duo-a', 'dep-duo-b']));
    expect(events[2].outcome).toBe('ok');
  });

  it('falls back when the upstream hangs before its headers (first-byte deadline), and cancels it', async () => {
    h.upstream.enqueue({ kind: 'reply', delayMs: 5_000 }, { kind: 'reply', delayMs: 5_000 }, { kind: 'reply', delayMs: 5_000 });
    const started = Date.now();
    const response = await h.chat(chatBody({ model: 'primary', stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-model')).toBe('backup');
    expect(sseData(await response.text()).at(-1)).toBe('[DONE]');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await h.upstream.requests[0].ended).toBe('aborted');
    const events = await h.usageOf(response, Number(response.headers.get('x-tollgate-attempts')));
    expect(events[0]).toMatchObject({ outcome: 'timeout', deploymentId: 'dep-primary' });
  });

  it('cuts a non-streamed call whose upstream hangs before its headers at firstByteMs, not totalMs', async () => {
    h.upstream.enqueue({ kind: 'reply', delayMs: 5_000 }, { kind: 'reply', delayMs: 5_000 }, { kind: 'reply', delayMs: 5_000 });
    const started = Date.now();
    const response = await h.chat(chatBody({ model: 'primary' }), { headers: { 'x-request-id': 'whole-first-byte' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-model')).toBe('backup');
    // primary's firstByteMs is 300 and its totalMs 3,000: one total deadline alone would take longer.
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await h.upstream.requests[0].ended).toBe('aborted');
    const events = await h.usageOf(response, Number(response.headers.get('x-tollgate-attempts')));
    expect(events[0]).toMatchObject({ outcome: 'timeout', deploymentId: 'dep-primary' });
  });

  it('falls back on a non-streamed call that exceeds its total deadline', async () => {
    h.upstream.enqueue({ kind: 'reply', delayMs: 5_000 }, { kind: 'reply', delayMs: 5_000 }, { kind: 'reply', delayMs: 5_000 });
    const response = await h.chat(chatBody({ model: 'picky' }), { headers: { 'x-request-id': 'total-deadline' } });
    // picky's chain only takes rate limits: a timeout ends with 504 after its own retries.
    expect(response.status).toBe(504);
    expect((await response.json()).error.code).toBe('upstream_timeout');
    expect(b.requests).toHaveLength(0);
  });

  it('does not fall back on a failure its chain does not list', async () => {
    h.upstream.enqueue({ kind: 'error', status: 400, message: 'bad temperature' });
    const response = await h.chat(chatBody({ model: 'primary' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('x-tollgate-attempts')).toBe('1');
    expect(b.requests).toHaveLength(0);
  });
});

describe('after the first byte', () => {
  it('never retries: a stream failing midway ends with an error event and no [DONE]', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four', failAfterChunks: 2 });
    const response = await h.chat(chatBody({ model: 'primary', stream: true }));
    expect(response.status).toBe(200);
    const frames = sseData(await response.text());
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1)!).error.code).toBe('upstream_stream_error');
    expect(b.requests).toHaveLength(0);
    expect(response.headers.get('x-tollgate-attempts')).toBe('1');
  });

  it('ends a stream cut by the upstream with an error event, billing the tokens seen', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'alpha beta gamma delta', cutAfterChunks: 2, usage: null });
    const response = await h.chat(chatBody({ model: 'primary', stream: true }));
    const frames = sseData(await response.text());
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1)!).error.type).toBe('upstream_error');
    expect(b.requests).toHaveLength(0);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'upstream_error', estimated: true });
    expect(event.completionTokens).toBeGreaterThan(0);
  });

  it.each([
    ['cut by the upstream', { kind: 'reply', content: 'alpha beta gamma delta', cutAfterChunks: 2, usage: null }, 'upstream_error'],
    ['stalled mid-way', { kind: 'reply', content: 'alpha beta gamma delta', hangAfterChunks: 2 }, 'timeout_error'],
  ] as const)('sends the usage chunk before the error event when a stream that asked for usage is %s', async (_name, behavior, errorType) => {
    h.upstream.enqueue(behavior);
    const response = await h.chat(chatBody({ model: 'primary', stream: true, stream_options: { include_usage: true } }));
    const frames = sseData(await response.text());
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1)!).error.type).toBe(errorType);
    const usageFrame = JSON.parse(frames.at(-2)!);
    expect(usageFrame.choices).toEqual([]);
    const [event] = await h.usageOf(response);
    expect(event.estimated).toBe(true);
    expect(usageFrame.usage).toMatchObject({ prompt_tokens: event.promptTokens, completion_tokens: event.completionTokens });
    expect(event.completionTokens).toBeGreaterThan(0);
  });

  it('ends a stream that stalls mid-way (idle deadline) with a timeout event and cancels the upstream', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four', hangAfterChunks: 2 });
    const response = await h.chat(chatBody({ model: 'primary', stream: true }));
    const frames = sseData(await response.text());
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1)!).error).toMatchObject({ type: 'timeout_error', code: 'upstream_timeout' });
    expect(await h.upstream.requests[0].ended).toBe('aborted');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'timeout', estimated: true });
    expect(b.requests).toHaveLength(0);
  });

  it('aborts the upstream as soon as the client leaves, not at a timeout', async () => {
    // The upstream hangs after two chunks and the deployment's idle timeout is 10 s, so only the
    // client's abort, passed on, can end it within the bound. The bound is not the documented
    // 100 ms: test client, data plane and upstream share one event loop here, and at a load average
    // of 22 on the 2-core CI machine the three wake-ups alone took 200-460 ms (also before the
    // undici dispatch rewrite), measured from the client's abort to the upstream's close.
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four five', hangAfterChunks: 2 });
    const controller = new AbortController();
    const response = await h.chat(chatBody({ model: 'patient', stream: true }), { signal: controller.signal });
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('two')) received += new TextDecoder().decode((await reader.read()).value);
    const abortedAt = performance.now();
    controller.abort();
    expect(await h.upstream.requests[0].ended).toBe('aborted');
    expect(performance.now() - abortedAt).toBeLessThan(2_000);
  });
});

describe('cooldown', () => {
  it('skips a deployment that keeps failing, without calling it, and uses it again after the cooldown', async () => {
    for (let i = 0; i < 2; i++) h.upstream.enqueue({ kind: 'error', status: 500, message: 'down' });
    // Two failures cool dep-solo: the request ends with the upstream's error.
    const first = await h.chat(chatBody({ model: 'solo' }));
    expect(first.status).toBe(502);
    expect(h.upstream.requests).toHaveLength(2);
    // While it cools, requests are answered at once, with retry-after, and reach nobody.
    const cooled = await h.chat(chatBody({ model: 'solo' }));
    expect(cooled.status).toBe(503);
    expect(cooled.headers.get('retry-after')).toBe('1');
    expect((await cooled.json()).error.code).toBe('deployments_cooling_down');
    expect(cooled.headers.get('x-tollgate-attempts')).toBe('0');
    expect(h.upstream.requests).toHaveLength(2);
    // Recovery: after the cooldown the deployment serves again.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await h.chat(chatBody({ model: 'solo' }))).status).toBe(200);
  });

  it('cools a deployment for a 429 retry-after, and falls back meanwhile', async () => {
    h.upstream.enqueue({ kind: 'error', status: 429, message: 'quota', headers: { 'retry-after': '30' } });
    const response = await h.chat(chatBody({ model: 'primary' }));
    expect(response.headers.get('x-tollgate-model')).toBe('backup');
    expect(h.cooldowns.cooling('dep-primary')).toMatchObject({ reason: 'rate_limit' });
    expect(h.cooldowns.cooling('dep-primary')!.remainingMs).toBeGreaterThan(29_000);
    const next = await h.chat(chatBody({ model: 'primary' }));
    expect(next.headers.get('x-tollgate-model')).toBe('backup');
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('keeps the CPU flat while an upstream is down: no attempts, no loops', async () => {
    // Cooled for 5 s by its retry-after, so the cooldown outlasts the burst below.
    h.upstream.enqueue({ kind: 'error', status: 429, message: 'down for maintenance', headers: { 'retry-after': '5' } });
    expect((await h.chat(chatBody({ model: 'solo' }))).status).toBe(429);
    expect(h.upstream.requests).toHaveLength(1);
    const before = process.cpuUsage();
    const answers = await Promise.all(Array.from({ length: 50 }, () => h.chat(chatBody({ model: 'solo' }))));
    expect(answers.every((answer) => answer.status === 503)).toBe(true);
    expect(h.upstream.requests).toHaveLength(1);
    const idle = process.cpuUsage(before);
    // 50 refused requests, client included, in well under a second of CPU.
    expect((idle.user + idle.system) / 1000).toBeLessThan(1000);
  });
});

describe('strategies', () => {
  it('spreads by weight: 1:3 within 10 points over 400 requests', async () => {
    const counts = { 'upstream-a': 0, 'upstream-b': 0 } as Record<string, number>;
    for (let i = 0; i < 400; i++) {
      const response = await h.chat(chatBody({ model: 'duo' }));
      counts[response.headers.get('x-tollgate-provider')!]++;
      await response.arrayBuffer();
    }
    expect(Math.abs(counts['upstream-b'] / 400 - 0.75)).toBeLessThan(0.1);
  }, 30_000);

  it('latency-based (precision) prefers the deployment with the faster first byte', async () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 30; i++) {
      const response = await h.chat(chatBody({ model: 'lat' }), { headers: { 'x-tollgate-profile': 'precision' } });
      expect(response.status).toBe(200);
      if (i >= 5) counts[response.headers.get('x-tollgate-provider')!] = (counts[response.headers.get('x-tollgate-provider')!] ?? 0) + 1;
      await response.arrayBuffer();
    }
    expect(counts['mock-quick']).toBe(25);
  });

  it('refuses an unknown profile with 400', async () => {
    const response = await h.chat(chatBody({ model: 'duo' }), { headers: { 'x-tollgate-profile': 'turbo' } });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('unknown_routing_profile');
  });
});

describe('context window', () => {
  const long = 'The quick brown fox jumps over the lazy dog. '.repeat(10);

  it('goes to the next model of the chain that fits', async () => {
    const response = await h.chat(chatBody({ model: 'small-window', messages: [{ role: 'user', content: long }] }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-model')).toBe('big-window');
    expect(h.upstream.requests).toHaveLength(0);
    expect(models(b)).toEqual(['big-b']);
  });

  it('answers 400 context_length_exceeded when no model fits, without calling any', async () => {
    const response = await h.chat(chatBody({ model: 'tiny-window', messages: [{ role: 'user', content: long }] }));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
    expect(h.upstream.requests).toHaveLength(0);
    // A short prompt fits and is served.
    expect((await h.chat(chatBody({ model: 'tiny-window' }))).status).toBe(200);
  });
});

describe('upstream headers', () => {
  it('forwards x-request-id to the upstream', async () => {
    await (await h.chat(chatBody({ model: 'solo' }), { headers: { 'x-request-id': 'trace-me-1' } })).json();
    expect(h.upstream.requests[0].headers['x-request-id']).toBe('trace-me-1');
  });
});

describe('the openai SDK and its own retries', () => {
  it('honours our retry-after: one gateway attempt per SDK try, served once the deployment cooled off', async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 2 });
    h.upstream.enqueue({ kind: 'error', status: 429, message: 'quota', headers: { 'retry-after': '1' } });
    const started = Date.now();
    // The 429 cools the only deployment for 1 s and reaches the SDK with retry-after: 1; the SDK
    // waits that long (not its own shorter backoff) and its retry is served.
    const { data, response } = await client.chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('Hello from the fake upstream!');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(h.upstream.requests).toHaveLength(2);
    expect(response.headers.get('x-tollgate-attempts')).toBe('1');
  });

  it('retries a failure the gateway gave up on, and the gateway serves it after the cooldown', async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 3 });
    for (let i = 0; i < 2; i++) h.upstream.enqueue({ kind: 'error', status: 500, message: 'down' });
    // Gateway: two failed attempts cool the deployment (400 ms) and answer 502; the SDK retries
    // (503 + retry-after while it cools) until it is served. The upstream sees 3 requests in all.
    const completion = await client.chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0].message.content).toBe('Hello from the fake upstream!');
    expect(h.upstream.requests).toHaveLength(3);
  });

  it('does not retry a context_length_exceeded', async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 2 });
    const error = await client.chat.completions
      .create({ model: 'tiny-window', messages: [{ role: 'user', content: 'word '.repeat(200) }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
  });
});
