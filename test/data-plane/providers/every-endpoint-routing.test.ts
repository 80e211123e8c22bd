import type { AddressInfo } from 'node:net';
import net from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiKey, deployment, model, provider, team } from '../../support/snapshot-fixture.ts';
import { KEY, type ProviderHarness, sseFrames, startProviderHarness } from './provider-harness.ts';

/**
 * Embeddings and legacy completions go through the same attempt loop as chat: retries, the
 * fallback chain, per-deployment deadlines and cooldowns, one usage event per attempt. And each
 * deployment's own connect timeout holds. One fixture upstream serves every OpenAI-style
 * deployment here; which deployment an attempt went to shows in the upstream model it asked for.
 */
let h: ProviderHarness;
let client: OpenAI;
/** Accepts TCP and never speaks: a TLS handshake against it never completes. */
let silent: net.Server;
const CAPS = { streaming: true, tools: true, embeddings: true };
const QUICK = { connectMs: null, firstByteMs: 300, totalMs: 1_000, idleMs: 300 };
const TRIGGERS = ['rate_limit', 'server_error', 'timeout'] as const;
const POLICED_KEY = 'tg_policed_team_key_000000000000000000000';

beforeAll(async () => {
  silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as AddressInfo).port;
  h = await startProviderHarness({
    // Big defaults: only a deployment's own setting can end an attempt quickly.
    routing: { retry: { maxAttempts: 4, backoffBaseMs: 20, backoffMaxMs: 40 }, timeouts: { connectMs: 60_000, firstByteMs: 60_000, totalMs: 60_000 } },
    extra: (origin, credential) => ({
      teams: [team({ id: 'policed', systemPrompt: 'Stay on topic.' })],
      apiKeys: [apiKey(POLICED_KEY, { id: 'key-policed', teamId: 'policed' })],
      providers: [
        provider({ id: 'p-oa', name: 'oa', kind: 'openai-compatible', baseUrl: `${origin}/v1`, seal: credential }),
        provider({ id: 'p-claude', name: 'claude', kind: 'anthropic', baseUrl: origin, seal: credential }),
        provider({ id: 'p-silent', name: 'silent', kind: 'openai-compatible', baseUrl: `https://127.0.0.1:${silentPort}/v1`, seal: credential }),
      ],
      models: [
        model({
          id: 'm-embed',
          name: 'embed-primary',
          capabilities: CAPS,
          fallbackChainId: 'c-embed',
          deployments: [deployment({ id: 'd-embed', providerId: 'p-oa', upstreamModel: 'embed-a' })],
        }),
        model({
          id: 'm-embed-b',
          name: 'embed-backup',
          capabilities: CAPS,
          deployments: [deployment({ id: 'd-embed-b', providerId: 'p-oa', upstreamModel: 'embed-b' })],
        }),
        model({
          id: 'm-chat-only',
          name: 'chat-only',
          capabilities: { ...CAPS, embeddings: false },
          deployments: [deployment({ id: 'd-chat-only', providerId: 'p-oa', upstreamModel: 'chat-only' })],
        }),
        model({
          id: 'm-mixed',
          name: 'mixed',
          capabilities: CAPS,
          deployments: [
            // Heavily weighted, and unable to embed or complete text: never picked for those.
            deployment({ id: 'd-mixed-claude', providerId: 'p-claude', upstreamModel: 'claude-x', weight: 1_000 }),
            deployment({ id: 'd-mixed-oa', providerId: 'p-oa', upstreamModel: 'mixed-oa', weight: 1 }),
          ],
        }),
        model({
          id: 'm-text',
          name: 'text-primary',
          capabilities: CAPS,
          fallbackChainId: 'c-text',
          deployments: [deployment({ id: 'd-text', providerId: 'p-oa', upstreamModel: 'text-a', timeouts: QUICK })],
        }),
        model({
          id: 'm-text-b',
          name: 'text-backup',
          capabilities: CAPS,
          deployments: [deployment({ id: 'd-text-b', providerId: 'p-oa', upstreamModel: 'text-b', timeouts: QUICK })],
        }),
        model({
          id: 'm-connect',
          name: 'connect-primary',
          capabilities: CAPS,
          fallbackChainId: 'c-connect',
          deployments: [
            deployment({
              id: 'd-connect',
              providerId: 'p-silent',
              upstreamModel: 'never',
              timeouts: { connectMs: 200, firstByteMs: null, totalMs: null, idleMs: null },
            }),
          ],
        }),
        model({
          id: 'm-connect-b',
          name: 'connect-backup',
          capabilities: CAPS,
          deployments: [deployment({ id: 'd-connect-b', providerId: 'p-oa', upstreamModel: 'reachable' })],
        }),
      ],
      fallbackChains: [
        { id: 'c-embed', name: 'embeddings backup', modelIds: ['m-chat-only', 'm-embed-b'], triggers: [...TRIGGERS] },
        { id: 'c-text', name: 'text backup', modelIds: ['m-text-b'], triggers: [...TRIGGERS] },
        { id: 'c-connect', name: 'reachable backup', modelIds: ['m-connect-b'], triggers: [...TRIGGERS] },
      ],
    }),
  });
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEY, maxRetries: 0, timeout: 20_000 });
});
afterAll(async () => {
  await h.close();
  silent.close();
});
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

const upstreamModels = () => h.upstream.requests.map((request) => request.body?.model);
const error500 = { status: 500, file: 'openai/error-500.json' };

describe('POST /v1/embeddings through the attempt loop', () => {
  it('falls back along the chain on a 500, skipping a chain model that cannot embed', async () => {
    h.upstream.enqueue(error500, error500, error500, { file: 'openai/embeddings.json' });
    const { data, response } = await client.embeddings.create({ model: 'embed-primary', input: ['hello', 'world'] }).withResponse();
    expect(data.data).toHaveLength(2);
    expect(response.headers.get('x-tollgate-model')).toBe('embed-backup');
    const attempts = Number(response.headers.get('x-tollgate-attempts'));
    // The primary gets its tries (retried after a backoff), then the backup; never `chat-only`.
    expect(upstreamModels()).toEqual([...Array(attempts - 1).fill('embed-a'), 'embed-b']);
    expect(h.upstream.requests.every((request) => request.url === '/v1/embeddings')).toBe(true);
    const events = await h.usageOf(response, attempts);
    expect(events.map((event) => [event.attempt, event.deploymentId, event.outcome])).toEqual([
      ...Array.from({ length: attempts - 1 }, (_, i) => [i + 1, 'd-embed', 'upstream_error']),
      [attempts, 'd-embed-b', 'ok'],
    ]);
    expect(events.at(-1)).toMatchObject({ promptTokens: 8, completionTokens: 0, estimated: false });
  });

  it('routes only to deployments whose provider embeds, whatever their weight', async () => {
    for (let i = 0; i < 5; i++) h.upstream.enqueue({ file: 'openai/embeddings.json' });
    for (let i = 0; i < 5; i++) expect((await h.post('/v1/embeddings', { model: 'mixed', input: 'hi' })).status).toBe(200);
    expect(upstreamModels()).toEqual(Array(5).fill('mixed-oa'));
  });

  it('refuses a model without the embeddings capability with 400, before any upstream call', async () => {
    const response = await h.post('/v1/embeddings', { model: 'chat-only', input: 'hi' });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'unsupported_capability', param: 'model' });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('refuses api_base in the body, like chat does', async () => {
    const response = await h.post('/v1/embeddings', { model: 'embed-primary', input: 'hi', api_base: 'http://evil.example' });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'forbidden_parameter', param: 'api_base' });
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('POST /v1/completions through the attempt loop', () => {
  it('falls back along the chain on a 500, whole', async () => {
    h.upstream.enqueue(error500, error500, error500, { file: 'openai/text-completion.json' });
    const { data, response } = await client.completions.create({ model: 'text-primary', prompt: 'Say this is a test', max_tokens: 7 }).withResponse();
    expect(data.choices[0].text).toBe('\n\nThis is indeed a test');
    expect(response.headers.get('x-tollgate-model')).toBe('text-backup');
    expect(upstreamModels().at(-1)).toBe('text-b');
    expect(new Set(upstreamModels().slice(0, -1))).toEqual(new Set(['text-a']));
  });

  it('falls back when a stream hangs before its first byte (first-byte deadline), then streams intact', async () => {
    h.upstream.enqueue(
      { file: 'openai/text-completion.sse', delayMs: 5_000 },
      { file: 'openai/text-completion.sse', delayMs: 5_000 },
      { file: 'openai/text-completion.sse', delayMs: 5_000 },
      { file: 'openai/text-completion.sse', sliceBytes: 5 },
    );
    const response = await h.post('/v1/completions', {
      model: 'text-primary',
      prompt: 'Say this is a test',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-model')).toBe('text-backup');
    const frames = sseFrames(await response.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('\n\nThis is indeed a test');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 7 } });
    const events = await h.usageOf(response, Number(response.headers.get('x-tollgate-attempts')));
    expect(events.slice(0, -1).every((event) => event.outcome === 'timeout' && event.deploymentId === 'd-text')).toBe(true);
    expect(events.at(-1)).toMatchObject({ deploymentId: 'd-text-b', outcome: 'ok', streamed: true, promptTokens: 5, completionTokens: 7 });
  });

  it("puts the team's system prompt before each text prompt, and refuses token prompts while one is set", async () => {
    h.upstream.enqueue({ file: 'openai/text-completion.json' });
    const post = (body: object) =>
      fetch(`${h.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${POLICED_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ model: 'text-primary', prompt: ['Say this is a test', 'And this'] })).status).toBe(200);
    expect(h.upstream.requests[0].body.prompt).toEqual(['Stay on topic.\n\nSay this is a test', 'Stay on topic.\n\nAnd this']);
    const tokens = await post({ model: 'text-primary', prompt: [1, 2, 3] });
    expect(tokens.status).toBe(400);
    expect((await tokens.json()).error).toMatchObject({ code: 'unsupported_parameter', param: 'prompt' });
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('routes only to deployments that still serve legacy completions', async () => {
    for (let i = 0; i < 3; i++) h.upstream.enqueue({ file: 'openai/text-completion.json' });
    for (let i = 0; i < 3; i++) expect((await h.post('/v1/completions', { model: 'mixed', prompt: 'hi' })).status).toBe(200);
    expect(upstreamModels()).toEqual(Array(3).fill('mixed-oa'));
  });
});

describe("a deployment's own connect timeout", () => {
  it('ends an attempt that cannot connect after its connectMs, not the data plane default, and falls back', async () => {
    h.upstream.enqueue({ file: 'openai/text.json' });
    // The data plane's default connect, first-byte and total timeouts are 60 s and the client
    // gives up after 20 s: only the deployment's 200 ms connect timeout lets this succeed.
    const { data, response } = await client.chat.completions.create({ model: 'connect-primary', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0].message.content).toBe('Hello! Grüße aus 東京 👋');
    expect(response.headers.get('x-tollgate-model')).toBe('connect-backup');
    expect(upstreamModels()).toEqual(['reachable']);
    const attempts = Number(response.headers.get('x-tollgate-attempts'));
    const events = await h.usageOf(response, attempts);
    // Never connected: nothing reached the provider, so nothing is billed (no estimate either).
    for (const event of events.slice(0, -1))
      expect(event).toMatchObject({
        deploymentId: 'd-connect',
        outcome: 'timeout',
        status: 0,
        promptTokens: 0,
        completionTokens: 0,
        estimated: false,
        costMicroUsd: 0,
      });
    expect(events.at(-1)).toMatchObject({ deploymentId: 'd-connect-b', outcome: 'ok' });
  });
});
