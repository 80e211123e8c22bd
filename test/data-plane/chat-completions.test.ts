import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenizedTextTokens } from '../../data-plane/usage/tokenizer-estimate.ts';
import { costMicroUsd } from '../../shared/pricing/cost.ts';
import { DEFAULT_FAKE_USAGE } from '../support/fake-openai-upstream.ts';
import { chatBody, type Harness, KEYS, MINI_PRICE, sseData, startHarness, UPSTREAM_KEY } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
});

describe('POST /v1/chat/completions through an openai-compatible provider', () => {
  it('bills a client that reuses its x-request-id once per request, not once in all', async () => {
    const headers = { 'x-request-id': 'sdk-retry-1' };
    expect((await h.chat(chatBody(), { headers })).status).toBe(200);
    expect((await h.chat(chatBody(), { headers })).status).toBe(200);
    const events = await h.usageOf('sdk-retry-1', 2);
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
    for (const event of events) expect(event.requestId).toMatch(/^sdk-retry-1~[0-9a-f]{12}$/);
  });

  it('counts every millisecond that is not the upstream in x-tollgate-overhead-ms, the usage handover included', async () => {
    const original = h.bus.publishUsageBatch;
    // A usage handover that takes 120 ms: gateway time before the last byte, not upstream time.
    h.bus.publishUsageBatch = async (events) => {
      await new Promise((resolve) => setTimeout(resolve, 120));
      return original.call(h.bus, events);
    };
    try {
      const started = performance.now();
      const response = await h.chat(chatBody());
      await response.text();
      const outside = performance.now() - started;
      const overhead = Number(response.headers.get('x-tollgate-overhead-ms'));
      expect(overhead).toBeGreaterThanOrEqual(115);
      expect(overhead).toBeLessThanOrEqual(outside);
    } finally {
      h.bus.publishUsageBatch = original;
    }
  });

  it('leaves the upstream own time out of x-tollgate-overhead-ms, whole or streamed', async () => {
    // Whole: 400 ms before the upstream's head. Streamed: the head at once, the first event 400 ms
    // later (the upstream's time runs to the bytes that carried it, not to the head).
    h.upstream.enqueue({ kind: 'reply', delayMs: 400 }, { kind: 'reply', chunkDelayMs: 400 });
    for (const body of [chatBody(), chatBody({ stream: true })]) {
      const started = performance.now();
      const response = await h.chat(body);
      await response.text();
      const outside = performance.now() - started;
      const overhead = Number(response.headers.get('x-tollgate-overhead-ms'));
      expect(response.headers.get('x-tollgate-overhead-ms')).toMatch(/^\d+\.\d{2}$/);
      expect(overhead).toBeLessThan(400);
      expect(outside - overhead).toBeGreaterThanOrEqual(400);
    }
  });

  it('relays a completion, mapping the model and sealing nothing but the credential', async () => {
    const response = await h.chat(chatBody({ temperature: 0.2, metadata: { app: 'tests' }, user: 'end-user-7' }), {
      headers: { 'x-request-id': 'client-req-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('client-req-1');
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-tollgate-provider')).toBe('fake-openai');
    expect(response.headers.get('x-tollgate-snapshot')).toBe('1');
    expect(Number(response.headers.get('x-tollgate-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the fake upstream!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 },
    });

    const [sent] = h.upstream.requests;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    // The model changes; `metadata` stays with the gateway (OpenAI refuses it without `store`);
    // the rest passes through untouched; the client's key never goes up.
    expect(sent.body).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      messages: [{ role: 'user', content: 'Say hello' }],
      temperature: 0.2,
      user: 'end-user-7',
    });
    expect(sent.rawBody).not.toContain(KEYS.acme);

    const events = await h.usageOf(response);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      id: expect.stringMatching(/^client-req-1~[0-9a-f]{12}:1$/),
      requestId: expect.stringMatching(/^client-req-1~/),
      attempt: 1,
      teamId: 'acme',
      apiKeyId: 'key-acme',
      model: 'gpt-4o-mini',
      provider: 'fake-openai',
      providerId: 'prov-fake',
      deploymentId: 'dep-mini',
      endUser: 'end-user-7',
      promptTokens: 21,
      completionTokens: 7,
      cachedTokens: 0,
      costMicroUsd: costMicroUsd(MINI_PRICE, { promptTokens: 21, completionTokens: 7, cachedTokens: 0 }),
      priceVersion: 'mini-2026-11',
      estimated: false,
      status: 200,
      outcome: 'ok',
      streamed: false,
      snapshotVersion: 1,
      metadata: { app: 'tests' },
    });
    expect(event.tags).toBeUndefined();
    expect(event.snapshotHash).toHaveLength(64);
    // 21 * 0.15 + 7 * 0.60 = 7.35 micro-USD, rounded up once.
    expect(event.costMicroUsd).toBe(8);
  });

  it('resolves an alias to its model', async () => {
    const response = await h.chat(chatBody({ model: 'fast' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o-mini');
    expect(h.upstream.requests[0].body.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('accepts the key as x-api-key', async () => {
    const response = await h.chat(chatBody(), { key: null, headers: { 'x-api-key': KEYS.acme } });
    expect(response.status).toBe(200);
  });

  it('streams with exact SSE framing and forwards the usage chunk when asked', async () => {
    const response = await h.chat(chatBody({ stream: true, stream_options: { include_usage: true } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    expect(text.endsWith('\n\ndata: [DONE]\n\n')).toBe(true);
    expect(text.split('\n\n').every((frame) => frame === '' || frame.startsWith('data: '))).toBe(true);
    const frames = sseData(text);
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const content = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(content).toBe('Hello from the fake upstream!');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 7 } });

    // The upstream was asked for usage, with the client's own options kept.
    expect(h.upstream.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ streamed: true, outcome: 'ok', promptTokens: 21, completionTokens: 7, estimated: false, status: 200 });
    expect(event.ttfbMs).not.toBeNull();
  });

  it('reads a stream to its end after [DONE] instead of cutting the upstream connection', async () => {
    // The end of the response comes 300 ms after [DONE]: a gateway that cancels the upstream
    // request at [DONE] closes the connection mid-response (the fake records `aborted`).
    h.upstream.enqueue({ kind: 'reply', endDelayMs: 300 });
    const response = await h.chat(chatBody({ stream: true }));
    expect(sseData(await response.text()).at(-1)).toBe('[DONE]');
    expect(await h.upstream.requests[0].ended).toBe('completed');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ streamed: true, outcome: 'ok', estimated: false });
  });

  it('always asks the upstream for usage but hides the usage chunk from a client that did not ask', async () => {
    const response = await h.chat(chatBody({ stream: true }));
    const frames = sseData(await response.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
    expect(chunks.some((chunk) => chunk.choices.length === 0)).toBe(false);
    expect(h.upstream.requests[0].body.stream_options).toEqual({ include_usage: true });
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ promptTokens: DEFAULT_FAKE_USAGE.prompt_tokens, completionTokens: DEFAULT_FAKE_USAGE.completion_tokens, estimated: false });
  });

  it('parses frames and UTF-8 characters cut anywhere by the upstream', async () => {
    const content = 'Grüße aus Köln — 東京から 👋 done';
    h.upstream.enqueue({ kind: 'reply', chunks: ['Grüße aus ', 'Köln — 東京', 'から 👋', ' done'], sliceBytes: 3 });
    const response = await h.chat(chatBody({ stream: true }));
    const chunks = sseData(await response.text())
      .slice(0, -1)
      .map((frame) => JSON.parse(frame));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(content);
  });

  it('estimates usage, and says so, when the upstream reports none', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'abcdefgh', usage: null });
    const response = await h.chat(chatBody({ stream: true, stream_options: { include_usage: true } }));
    const chunks = sseData(await response.text())
      .slice(0, -1)
      .map((frame) => JSON.parse(frame));
    // Counted with the o200k_base tokenizer: "Say hello" = 2 tokens + 4 for the message + 3 to
    // prime the reply; "abcdefgh" = 1 token (a characters / 4 rule said 7 and 2).
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 } });
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ promptTokens: 9, completionTokens: 1, estimated: true, outcome: 'ok' });
  });

  it('estimates a stream cut without usage with the tokenizer, not characters / 4', async () => {
    // 17 characters of Japanese: characters / 4 says 5 tokens, the tokenizer 13.
    h.upstream.enqueue({ kind: 'reply', chunks: ['東京から大阪まで', '新幹線で行きます。', 'never sent'], cutAfterChunks: 2, usage: null });
    const response = await h.chat(chatBody({ stream: true }));
    const frames = sseData(await response.text());
    expect(frames).not.toContain('[DONE]');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ promptTokens: 9, completionTokens: 13, estimated: true, outcome: 'upstream_error', streamed: true });
  });

  it('estimates a long stream cut without usage from all the text it sent, in order', async () => {
    // Forwarded frames are held unparsed for a possible estimate, and counted batch by batch once
    // they pass the meter's bound (64 KB): 3,000 frames are far beyond it.
    const pieces = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? `東京${i} ` : `word${i} `));
    h.upstream.enqueue({ kind: 'reply', chunks: [...pieces, 'never sent'], cutAfterChunks: pieces.length, usage: null });
    const response = await h.chat(chatBody({ stream: true }));
    const frames = sseData(await response.text());
    expect(frames).not.toContain('[DONE]');
    const sent = frames.slice(0, -1).map((frame) => JSON.parse(frame).choices[0]?.delta?.content ?? '');
    expect(sent.join('')).toBe(pieces.join(''));
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ completionTokens: tokenizedTextTokens(pieces.join('')), estimated: true, outcome: 'upstream_error', streamed: true });
  });
});

describe('POST /v1/chat/completions through the mock provider', () => {
  it('answers deterministically with usage', async () => {
    const response = await h.chat(chatBody({ model: 'echo', messages: [{ role: 'user', content: 'ping pong' }] }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-provider')).toBe('mock');
    const body = await response.json();
    expect(body.choices[0].message.content).toBe('Echo: ping pong');
    expect(body.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 4 });
    const [event] = await h.usageOf(response);
    // echo costs $1 / $2 per million: 7 + 8 micro-USD.
    expect(event).toMatchObject({ model: 'echo', provider: 'mock', promptTokens: 7, completionTokens: 4, costMicroUsd: 15, estimated: false });
  });

  it('streams in several chunks', async () => {
    const response = await h.chat(
      chatBody({ model: 'echo', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three four five six' }] }),
    );
    const frames = sseData(await response.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta?.content);
    expect(contentChunks.length).toBeGreaterThan(2);
    expect(contentChunks.map((chunk) => chunk.choices[0].delta.content).join('')).toBe('Echo: one two three four five six');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 9 } });
  });
});

describe('GET /v1/models', () => {
  it('lists the models the key may use, in OpenAI list format', async () => {
    const response = await fetch(`${h.url}/v1/models`, { headers: { authorization: `Bearer ${KEYS.acme}` } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.object).toBe('list');
    expect(body.data.map((entry: { id: string }) => entry.id)).toEqual(['gpt-4o-mini', 'echo', 'echo-slow', 'basic']);
    expect(body.data[0]).toEqual({ id: 'gpt-4o-mini', object: 'model', created: 1_795_392_000, owned_by: 'tollgate' });
  });

  it('honours allow-lists and bring-your-own-key providers', async () => {
    const limited = await (await fetch(`${h.url}/v1/models`, { headers: { 'x-api-key': KEYS.acmeLimited } })).json();
    expect(limited.data.map((entry: { id: string }) => entry.id)).toEqual(['gpt-4o-mini']);
    const other = await (await fetch(`${h.url}/v1/models`, { headers: { authorization: `Bearer ${KEYS.other}` } })).json();
    expect(other.data.map((entry: { id: string }) => entry.id)).toEqual(['gpt-4o-mini', 'echo', 'echo-slow', 'basic', 'other-private']);
  });

  it('refuses a missing key', async () => {
    const response = await fetch(`${h.url}/v1/models`);
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('invalid_api_key');
  });

  it('retrieves one model by its percent-encoded name; a malformed encoding is not found (it was a 500), a missing key still 401', async () => {
    const found = await fetch(`${h.url}/v1/models/gpt%2D4o-mini`, { headers: { authorization: `Bearer ${KEYS.acme}` } });
    expect(await found.json()).toEqual({ id: 'gpt-4o-mini', object: 'model', created: 1_795_392_000, owned_by: 'tollgate' });
    for (const path of ['%ff', 'gpt-4o-mini%', '%E0%A4%A']) {
      const response = await fetch(`${h.url}/v1/models/${path}`, { headers: { authorization: `Bearer ${KEYS.acme}` } });
      expect(response.status).toBe(404);
      expect((await response.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
    }
    expect((await fetch(`${h.url}/v1/models/%ff`)).status).toBe(401);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz with the snapshot version', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', snapshot: { version: 1 } });
  });
});
