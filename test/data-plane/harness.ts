import { randomBytes } from 'node:crypto';
import { vi } from 'vitest';
import { type DataPlane, type DataPlaneOptions, startDataPlane } from '../../data-plane/app.ts';
import { type CooldownStore, createMemoryCooldownStore } from '../../data-plane/routing/cooldown.ts';
import type { RoutingOptions } from '../../data-plane/routing/routing-runtime.ts';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { createSecretBox, type SecretBox } from '../../shared/crypto/secret-box.ts';
import { UsageEvent } from '../../shared/events/usage-event.ts';
import type { ConfigSnapshot } from '../../shared/snapshot/schema.ts';
import { type FakeOpenAIUpstream, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { apiKey, buildSnapshot, deployment, model, price, provider, publishSnapshot, team, testSecretBox } from '../support/snapshot-fixture.ts';

/** Client secrets of the scenario's keys. */
export const KEYS = {
  acme: 'tg_acme_live_key_000000000000000000000000',
  /** May only use gpt-4o-mini. */
  acmeLimited: 'tg_acme_limited_key_0000000000000000000000',
  revoked: 'tg_acme_revoked_key_0000000000000000000000',
  expired: 'tg_acme_expired_key_0000000000000000000000',
  blocked: 'tg_blocked_team_key_0000000000000000000000',
  /** Blocked (not revoked) by an admin: published revoked too, for older data planes. */
  blockedKey: 'tg_acme_blocked_key_0000000000000000000000',
  other: 'tg_other_team_key_000000000000000000000000',
} as const;

/** The provider credential the fake upstream insists on; sealed in the snapshot. */
export const UPSTREAM_KEY = 'sk-upstream-secret-0123456789abcdef';

/** gpt-4o-mini prices: $0.15 / $0.60 per million tokens, $0.075 cached. */
export const MINI_PRICE = price({ version: 'mini-2026-11', inputPerMillion: 150_000, outputPerMillion: 600_000, cachedInputPerMillion: 75_000 });

/**
 * The scenario: team acme (keys of every state), a blocked team, another team with its own
 * bring-your-own-key provider; gpt-4o-mini (alias `fast`) on the fake upstream, `echo` on the
 * mock provider, `echo-slow` on a mock answering after 10 s, `basic` without streaming or tools,
 * `other-private` only on the other team's provider.
 */
export function scenarioSnapshot(args: {
  version: number;
  upstreamBaseUrl: string;
  secretBox: SecretBox;
  extraModels?: ConfigSnapshot['models'];
}): ConfigSnapshot {
  return buildSnapshot({
    version: args.version,
    teams: [team({ id: 'acme' }), team({ id: 'blocked-team', blocked: true }), team({ id: 'other' })],
    apiKeys: [
      apiKey(KEYS.acme, { id: 'key-acme', teamId: 'acme' }),
      apiKey(KEYS.acmeLimited, { id: 'key-acme-limited', teamId: 'acme', allowedModels: ['gpt-4o-mini'] }),
      apiKey(KEYS.revoked, { id: 'key-revoked', teamId: 'acme', revoked: true }),
      apiKey(KEYS.expired, { id: 'key-expired', teamId: 'acme', expiresAt: '2020-01-01T00:00:00.000Z' }),
      apiKey(KEYS.blocked, { id: 'key-blocked', teamId: 'blocked-team' }),
      apiKey(KEYS.blockedKey, { id: 'key-acme-blocked', teamId: 'acme', revoked: true, blocked: true }),
      apiKey(KEYS.other, { id: 'key-other', teamId: 'other' }),
    ],
    providers: [
      provider({
        id: 'prov-fake',
        name: 'fake-openai',
        kind: 'openai-compatible',
        baseUrl: args.upstreamBaseUrl,
        seal: { box: args.secretBox, secret: UPSTREAM_KEY },
      }),
      provider({ id: 'prov-mock', name: 'mock', kind: 'mock', baseUrl: 'mock://' }),
      provider({ id: 'prov-mock-slow', name: 'mock-slow', kind: 'mock', baseUrl: 'mock://?latency_ms=10000' }),
      provider({ id: 'prov-other-byok', name: 'other-byok', kind: 'mock', baseUrl: 'mock://', teamId: 'other' }),
    ],
    models: [
      model({
        id: 'model-mini',
        name: 'gpt-4o-mini',
        aliases: ['fast'],
        price: MINI_PRICE,
        deployments: [deployment({ id: 'dep-mini', providerId: 'prov-fake', upstreamModel: 'gpt-4o-mini-2024-07-18' })],
      }),
      model({
        id: 'model-echo',
        name: 'echo',
        price: price({ version: 'echo-1', inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 }),
        deployments: [deployment({ id: 'dep-echo', providerId: 'prov-mock', upstreamModel: 'echo-1' })],
      }),
      model({
        id: 'model-echo-slow',
        name: 'echo-slow',
        deployments: [deployment({ id: 'dep-echo-slow', providerId: 'prov-mock-slow', upstreamModel: 'echo-1' })],
      }),
      model({
        id: 'model-basic',
        name: 'basic',
        capabilities: { streaming: false, tools: false, embeddings: false },
        deployments: [deployment({ id: 'dep-basic', providerId: 'prov-mock', upstreamModel: 'basic-1' })],
      }),
      model({
        id: 'model-private',
        name: 'other-private',
        deployments: [deployment({ id: 'dep-private', providerId: 'prov-other-byok', upstreamModel: 'private-1' })],
      }),
      ...(args.extraModels ?? []),
    ],
  });
}

export interface Harness {
  url: string;
  plane: DataPlane;
  upstream: FakeOpenAIUpstream;
  bus: ReturnType<typeof createMemoryBus>;
  secretBox: SecretBox;
  /** The plane's cooldown state: clear it between tests that make deployments fail. */
  cooldowns: CooldownStore;
  /** Usage events as the control plane would consume them, each validated against the contract. */
  usageEvents: UsageEvent[];
  /** Waits for the usage events of one request (its response, or its x-request-id), in attempt order. */
  usageOf(request: Response | string, count?: number): Promise<UsageEvent[]>;
  chat(body: unknown, init?: { key?: string | null; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  close(): Promise<void>;
}

/** Fast retries for tests: the same shape as production, in milliseconds instead of seconds. */
export const TEST_ROUTING: RoutingOptions = {
  retry: { backoffBaseMs: 5, backoffMaxMs: 20 },
  timeouts: { connectMs: 1_000, firstByteMs: 2_000, totalMs: 10_000, idleMs: 2_000 },
};

export interface HarnessOptions
  extends Partial<
    Pick<
      DataPlaneOptions,
      'logger' | 'snapshotDir' | 'heartbeatIntervalMs' | 'instanceId' | 'tracing' | 'upstream' | 'redisUrl' | 'keyPrefix' | 'cacheMemoryBytes'
    >
  > {
  maxBodyBytes?: number;
  publish?: boolean;
  routing?: RoutingOptions;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstream = await startFakeOpenAIUpstream({ apiKey: UPSTREAM_KEY });
  const bus = createMemoryBus();
  const secretBox = testSecretBox();
  if (options.publish !== false) {
    await publishSnapshot(bus, scenarioSnapshot({ version: 1, upstreamBaseUrl: upstream.baseUrl, secretBox }));
  }
  const usageEvents: UsageEvent[] = [];
  const consumer = bus.consumeUsage('test', async (batch) => {
    for (const event of batch) usageEvents.push(UsageEvent.parse(event));
  });
  const routing = { ...TEST_ROUTING, ...options.routing };
  const cooldowns = routing.cooldownStore ?? createMemoryCooldownStore(routing.cooldown);
  const plane = await startDataPlane({
    routing: { ...routing, cooldownStore: cooldowns },
    bus,
    host: '127.0.0.1',
    port: 0,
    secretBox,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
    snapshotPollIntervalMs: 0,
    logger: options.logger,
    snapshotDir: options.snapshotDir,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 0,
    instanceId: options.instanceId,
    tracing: options.tracing,
    upstream: options.upstream,
    redisUrl: options.redisUrl,
    keyPrefix: options.keyPrefix,
    cacheMemoryBytes: options.cacheMemoryBytes,
    defaultMetrics: false,
  });
  const url = `http://127.0.0.1:${plane.port}`;

  return {
    url,
    plane,
    upstream,
    bus,
    secretBox,
    cooldowns,
    usageEvents,
    async usageOf(request, count = 1) {
      const requestId = typeof request === 'string' ? request : request.headers.get('x-request-id');
      // A client-chosen x-request-id is the prefix of the unique id usage events carry.
      const matching = () =>
        usageEvents.filter((event) => event.requestId === requestId || event.requestId.startsWith(`${requestId}~`)).sort((a, b) => a.attempt - b.attempt);
      await vi.waitFor(
        () => {
          if (matching().length < count) throw new Error(`${matching().length} of ${count} usage events for ${requestId}`);
        },
        { timeout: 10_000 },
      );
      return matching();
    },
    chat(body, init = {}) {
      const key = init.key === undefined ? KEYS.acme : init.key;
      return fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal: init.signal,
      });
    },
    async close() {
      await plane.close();
      await consumer.stop();
      await bus.close();
      await upstream.close();
    },
  };
}

/** A minimal valid chat body. */
export function chatBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], ...overrides };
}

/** Frames of an SSE body: the `data:` payloads in order. */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.length > 0)
    .map((frame) => frame.replace(/^data: /, ''));
}
