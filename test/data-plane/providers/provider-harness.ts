import { randomBytes } from 'node:crypto';
import { expect, vi } from 'vitest';
import { type DataPlane, type DataPlaneOptions, startDataPlane } from '../../../data-plane/app.ts';
import { type CooldownStore, createMemoryCooldownStore } from '../../../data-plane/routing/cooldown.ts';
import type { RoutingOptions } from '../../../data-plane/routing/routing-runtime.ts';
import { createMemoryBus } from '../../../shared/bus/memory-bus.ts';
import { createSecretBox } from '../../../shared/crypto/secret-box.ts';
import { UsageEvent } from '../../../shared/events/usage-event.ts';
import type { ProviderKind, SnapshotContent, SnapshotModel, SnapshotProvider } from '../../../shared/snapshot/schema.ts';
import { type FakeFixtureUpstream, startFakeFixtureUpstream } from '../../support/fake-fixture-upstream.ts';
import { type FakeGoogleTokens, startFakeGoogleTokens } from '../../support/fake-google-tokens.ts';
import { apiKey, buildSnapshot, deployment, model, provider, publishSnapshot, type SealSpec, team, testSecretBox } from '../../support/snapshot-fixture.ts';

export const KEY = 'tg_providers_key_00000000000000000000000';
export const UPSTREAM_KEY = 'sk-upstream-secret-0123456789abcdef';

/** The deployment's upstream model id per kind (Azure: the deployment name). */
export const UPSTREAM_MODELS: Record<Exclude<ProviderKind, 'mock'>, string> = {
  openai: 'gpt-4o-mini',
  'openai-compatible': 'meta-llama/Llama-3.3-70B-Instruct',
  'azure-openai': 'prod-gpt4o',
  anthropic: 'claude-sonnet-4-5',
  gemini: 'gemini-2.5-flash',
  mistral: 'mistral-large-latest',
  cohere: 'command-a-03-2025',
  bedrock: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  vertex: 'gemini-2.5-flash',
};

/** The Claude model the harness also deploys on its `vertex` provider, as model `vertex-anthropic`. */
export const VERTEX_ANTHROPIC_MODEL = 'claude-sonnet-4-5@20250929';
export const AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const BEDROCK_REGION = 'us-east-1';
export const VERTEX_LOCATION = 'us-central1';

export interface ProviderHarness {
  url: string;
  plane: DataPlane;
  upstream: FakeFixtureUpstream;
  /** The fake Google OAuth token endpoint the `vertex` provider's service account points at. */
  google: FakeGoogleTokens;
  /** The plane's cooldowns: cleared between tests, since the contract cases make upstreams fail. */
  cooldowns: CooldownStore;
  usageEvents: UsageEvent[];
  usageOf(response: Response, count?: number): Promise<UsageEvent[]>;
  post(path: string, body: unknown): Promise<Response>;
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

export interface ProviderHarnessOptions {
  /** Mock providers (name -> baseUrl), each with a model of the same name. */
  mocks?: Record<string, string>;
  /** More of the snapshot, given the fixture upstream's origin (routing scenarios). */
  extra?: (
    origin: string,
    credential: SealSpec,
  ) => Partial<Pick<SnapshotContent, 'providers' | 'models' | 'fallbackChains' | 'teams' | 'apiKeys' | 'guardrails'>>;
  /** Routing policy; by default one attempt per request (see below). */
  routing?: RoutingOptions;
  /** Off unless given. */
  tracing?: DataPlaneOptions['tracing'];
  /** The body limit; 64 KiB unless given. */
  maxBodyBytes?: number;
}

/**
 * The real data plane over one fixture-replaying upstream, with one provider and one model per
 * HTTP kind (model name = kind), plus mock providers configured by `mocks` (name -> baseUrl).
 * Untraced unless `tracing` is given.
 */
export async function startProviderHarness(options: ProviderHarnessOptions = {}): Promise<ProviderHarness> {
  const upstream = await startFakeFixtureUpstream();
  const google = await startFakeGoogleTokens();
  const bus = createMemoryBus();
  const secretBox = testSecretBox();
  const credential = { box: secretBox, secret: UPSTREAM_KEY };
  const baseUrls: Record<Exclude<ProviderKind, 'mock'>, string> = {
    openai: `${upstream.origin}/v1`,
    'openai-compatible': `${upstream.origin}/v1`,
    'azure-openai': upstream.origin,
    anthropic: upstream.origin,
    gemini: upstream.origin,
    mistral: `${upstream.origin}/v1`,
    cohere: upstream.origin,
    bedrock: upstream.origin,
    vertex: upstream.origin,
  };
  // Bedrock signs with access keys (the secret is the key the contract checks never leaks);
  // Vertex gets tokens for a service account from the fake token endpoint.
  const secrets: Partial<Record<ProviderKind, string>> = {
    bedrock: JSON.stringify({ accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: UPSTREAM_KEY }),
    vertex: JSON.stringify(google.serviceAccount),
  };
  const regions: Partial<Record<ProviderKind, string>> = { bedrock: BEDROCK_REGION, vertex: VERTEX_LOCATION };
  const providers: SnapshotProvider[] = [];
  const models: SnapshotModel[] = [];
  const capabilities = { streaming: true, tools: true, embeddings: true };
  for (const [kind, baseUrl] of Object.entries(baseUrls) as [Exclude<ProviderKind, 'mock'>, string][]) {
    providers.push(
      provider({
        id: `prov-${kind}`,
        name: kind,
        kind,
        baseUrl,
        seal: { ...credential, secret: secrets[kind] ?? UPSTREAM_KEY },
        apiVersion: kind === 'azure-openai' ? '2024-10-21' : null,
        region: regions[kind] ?? null,
      }),
    );
    models.push(
      model({
        id: `model-${kind}`,
        name: kind,
        capabilities,
        deployments: [deployment({ id: `dep-${kind}`, providerId: `prov-${kind}`, upstreamModel: UPSTREAM_MODELS[kind] })],
      }),
    );
  }
  models.push(
    model({
      id: 'model-vertex-anthropic',
      name: 'vertex-anthropic',
      capabilities,
      deployments: [deployment({ id: 'dep-vertex-anthropic', providerId: 'prov-vertex', upstreamModel: VERTEX_ANTHROPIC_MODEL })],
    }),
  );
  for (const [name, baseUrl] of Object.entries(options.mocks ?? {})) {
    providers.push(provider({ id: `prov-${name}`, name, kind: 'mock', baseUrl }));
    models.push(
      model({ id: `model-${name}`, name, capabilities, deployments: [deployment({ id: `dep-${name}`, providerId: `prov-${name}`, upstreamModel: 'echo-1' })] }),
    );
  }
  const extra = options.extra?.(upstream.origin, credential);
  await publishSnapshot(
    bus,
    buildSnapshot({
      version: 1,
      teams: [team({ id: 'acme' }), ...(extra?.teams ?? [])],
      apiKeys: [apiKey(KEY, { id: 'key-acme', teamId: 'acme' }), ...(extra?.apiKeys ?? [])],
      providers: [...providers, ...(extra?.providers ?? [])],
      models: [...models, ...(extra?.models ?? [])],
      fallbackChains: extra?.fallbackChains ?? [],
      guardrails: extra?.guardrails ?? [],
    }),
  );
  const usageEvents: UsageEvent[] = [];
  const consumer = bus.consumeUsage('test', async (batch) => {
    for (const event of batch) usageEvents.push(UsageEvent.parse(event));
  });
  // One attempt per request: the contract is about each adapter's own mapping, not retries.
  const cooldowns = createMemoryCooldownStore();
  const plane = await startDataPlane({
    bus,
    host: '127.0.0.1',
    port: 0,
    secretBox,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
    snapshotPollIntervalMs: 0,
    routing: { retry: { maxAttempts: 1 }, ...options.routing, cooldownStore: cooldowns },
    tracing: options.tracing,
  });
  const url = `http://127.0.0.1:${plane.port}`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  return {
    url,
    plane,
    upstream,
    google,
    cooldowns,
    usageEvents,
    async usageOf(response, count = 1) {
      const requestId = response.headers.get('x-request-id');
      const matching = () => usageEvents.filter((event) => event.requestId === requestId);
      await vi.waitFor(
        () => {
          if (matching().length < count) throw new Error(`${matching().length} of ${count} usage events for ${requestId}`);
        },
        { timeout: 10_000 },
      );
      return matching();
    },
    post: (path, body) => fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
    get: (path) => fetch(`${url}${path}`, { headers }),
    async close() {
      await plane.close();
      await consumer.stop();
      await bus.close();
      await upstream.close();
      await google.close();
    },
  };
}

/** The `data:` payloads of an SSE body, asserting the exact `data: ...\n\n` framing. */
export function sseFrames(text: string): string[] {
  if (!text.endsWith('\n\n')) throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      if (!frame.startsWith('data: ') || frame.includes('\n')) throw new Error(`not a single-line data frame: ${JSON.stringify(frame)}`);
      return frame.slice('data: '.length);
    });
}

/**
 * A streamed chat completion as a client reads it: checks the status, the SSE content type, the
 * exact framing and the final `[DONE]`, and returns the parsed chunks before it.
 */
export async function readChatStream(response: Response): Promise<any[]> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const frames = sseFrames(await response.text());
  expect(frames.at(-1)).toBe('[DONE]');
  return frames.slice(0, -1).map((frame) => JSON.parse(frame));
}

/** One tool call put together from its deltas. */
export interface AccumulatedToolCall {
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

/** Content, tool calls and finish reasons accumulated from chunks, as an OpenAI client does. */
export function accumulate(chunks: any[]) {
  let content = '';
  const calls: AccumulatedToolCall[] = [];
  const finishReasons: string[] = [];
  for (const chunk of chunks) {
    expect(chunk.object).toBe('chat.completion.chunk');
    for (const choice of chunk.choices) {
      content += choice.delta?.content ?? '';
      for (const call of choice.delta?.tool_calls ?? []) {
        calls[call.index] ??= { function: { arguments: '' } };
        if (call.id) Object.assign(calls[call.index], { id: call.id, type: call.type });
        if (call.function?.name) calls[call.index].function.name = call.function.name;
        calls[call.index].function.arguments += call.function?.arguments ?? '';
      }
      if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    }
  }
  return { content, calls, finishReasons };
}

/** A weather tool in OpenAI's shape, as the contract's tool-call requests send it. */
export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather in a given location',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location'],
    },
  },
};
