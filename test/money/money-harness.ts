import { randomBytes } from 'node:crypto';
import { vi } from 'vitest';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import type { MoneyStore } from '../../data-plane/money/money-store.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import { createMemoryBus } from '../../shared/bus/memory-bus.ts';
import { createSecretBox, type SecretBox } from '../../shared/crypto/secret-box.ts';
import { UsageEvent } from '../../shared/events/usage-event.ts';
import type { ConfigSnapshot, SnapshotBudget, SnapshotLimits, SnapshotPlan } from '../../shared/snapshot/schema.ts';
import { type FakeOpenAIUpstream, type FakeUpstreamOptions, startFakeOpenAIUpstream } from '../support/fake-openai-upstream.ts';
import { apiKey, buildSnapshot, deployment, model, price, provider, publishSnapshot, team, testSecretBox } from '../support/snapshot-fixture.ts';

export const UPSTREAM_KEY = 'sk-upstream-money-0123456789';
export const KEY = 'tg_money_key_0000000000000000000000000000';

/** $1 / $2 per million input / output tokens: 1 and 2 micro-USD per token, easy to reason about. */
export const PRICE = price({ version: 'p-1', inputPerMillion: 1_000_000, outputPerMillion: 2_000_000, cachedInputPerMillion: 500_000 });

export interface MoneyScenario {
  markupBasisPoints?: number;
  billing?: SnapshotPlan['billing'];
  creditsGrantedMicroUsd?: number;
  planLimits?: Partial<SnapshotLimits>;
  keyLimits?: Partial<SnapshotLimits>;
  deploymentLimits?: Partial<SnapshotLimits>;
  /** Gives model `m` a second deployment, `dep-m2` (upstream model `up-m2`), with these limits. */
  secondDeploymentLimits?: Partial<SnapshotLimits>;
  budgets?: Partial<SnapshotBudget>[];
  /** Model `m` falls back (on 5xx) to `m-pricey`, ten times its price, on the same upstream. */
  priceyFallback?: boolean;
}

const NO_LIMITS = { rpm: null, tpm: null, maxParallel: null };

/**
 * Team `t` on plan `plan` with key `k` (KEY); model `m` on the fake upstream (provider `fake`)
 * and `byok-m` on the team's own provider (another fake deployment, `teamId: t`). The fallback
 * model `m-backup` serves the same upstream.
 */
export function moneySnapshot(args: { version: number; baseUrl: string; secretBox: SecretBox } & MoneyScenario): ConfigSnapshot {
  const seal = { box: args.secretBox, secret: UPSTREAM_KEY };
  return buildSnapshot({
    version: args.version,
    plans: [
      {
        id: 'plan',
        name: 'plan',
        allowedModels: [],
        limits: { ...NO_LIMITS, ...args.planLimits },
        markupBasisPoints: args.markupBasisPoints ?? 0,
        billing: args.billing ?? 'postpaid',
        fallbackChainId: null,
        routingProfile: null,
      },
    ],
    teams: [team({ id: 't', planId: 'plan', creditsGrantedMicroUsd: args.creditsGrantedMicroUsd ?? 0 })],
    apiKeys: [apiKey(KEY, { id: 'k', teamId: 't', limits: { ...NO_LIMITS, ...args.keyLimits } })],
    providers: [
      provider({ id: 'fake', name: 'fake', kind: 'openai-compatible', baseUrl: args.baseUrl, seal }),
      provider({ id: 'own', name: 'own', kind: 'openai-compatible', baseUrl: args.baseUrl, seal, teamId: 't' }),
    ],
    models: [
      model({
        id: 'm',
        name: 'm',
        price: PRICE,
        fallbackChainId: args.priceyFallback ? 'chain' : null,
        deployments: [
          deployment({ id: 'dep-m', providerId: 'fake', upstreamModel: 'up-m', limits: { ...NO_LIMITS, ...args.deploymentLimits } }),
          ...(args.secondDeploymentLimits
            ? [deployment({ id: 'dep-m2', providerId: 'fake', upstreamModel: 'up-m2', limits: { ...NO_LIMITS, ...args.secondDeploymentLimits } })]
            : []),
        ],
      }),
      model({ id: 'byok-m', name: 'byok-m', price: PRICE, deployments: [deployment({ id: 'dep-own', providerId: 'own', upstreamModel: 'up-m' })] }),
      ...(args.priceyFallback
        ? [
            model({
              id: 'm-pricey',
              name: 'm-pricey',
              price: price({ version: 'p-10', inputPerMillion: 10_000_000, outputPerMillion: 20_000_000 }),
              deployments: [deployment({ id: 'dep-pricey', providerId: 'fake', upstreamModel: 'up-pricey' })],
            }),
          ]
        : []),
    ],
    fallbackChains: args.priceyFallback ? [{ id: 'chain', name: 'to-pricey', modelIds: ['m-pricey'], triggers: ['server_error'] }] : [],
    budgets: (args.budgets ?? []).map((b, i) => ({
      id: `b${i + 1}`,
      scope: 'team' as const,
      scopeId: 't',
      amountMicroUsd: 0,
      period: 'monthly' as const,
      hard: true,
      alertThresholds: [],
      ...b,
    })),
  });
}

export interface MoneyHarness {
  url: string;
  plane: DataPlane;
  upstream: FakeOpenAIUpstream;
  bus: Bus;
  usageEvents: UsageEvent[];
  chat(body: Record<string, unknown>, init?: { key?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  /** Waits until `count` usage events arrived and every settle reached the store. */
  settled(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startMoneyHarness(
  scenario: MoneyScenario,
  options: { store?: MoneyStore; redisUrl?: string; localShare?: number; upstream?: FakeUpstreamOptions; bus?: Bus } = {},
): Promise<MoneyHarness> {
  const upstream = await startFakeOpenAIUpstream({ apiKey: UPSTREAM_KEY, ...options.upstream });
  const bus = options.bus ?? createMemoryBus();
  const secretBox = testSecretBox();
  await publishSnapshot(bus, moneySnapshot({ version: 1, baseUrl: upstream.baseUrl, secretBox, ...scenario }));
  const usageEvents: UsageEvent[] = [];
  const consumer = options.bus ? null : bus.consumeUsage('test', async (batch) => void usageEvents.push(...batch.map((e) => UsageEvent.parse(e))));
  const plane = await startDataPlane({
    bus,
    host: '127.0.0.1',
    port: 0,
    secretBox,
    maxBodyBytes: 1024 * 1024,
    snapshotPollIntervalMs: 0,
    moneyStore: options.store,
    redisUrl: options.redisUrl,
    limitsLocalShare: options.localShare,
    keyPrefix: `tg-test-${randomBytes(4).toString('hex')}`,
    // Money is about what each attempt costs: fast retries, and no cooldown silencing a flaky
    // upstream (the randomized runs make it fail on purpose; routing tests cover cooldowns).
    routing: { retry: { backoffBaseMs: 1, backoffMaxMs: 5 }, cooldown: { failuresToCool: Number.MAX_SAFE_INTEGER } },
    // The team's own provider (`own`) is the fake upstream on loopback: allowed as an operator would
    // (TOLLGATE_BYOK_ALLOWED_CIDRS); the guard itself is tested in byok-address-guard.test.ts.
    upstream: { byokAllowedCidrs: ['127.0.0.0/8'] },
  });
  const url = `http://127.0.0.1:${plane.port}`;
  return {
    url,
    plane,
    upstream,
    bus,
    usageEvents,
    chat(body, init = {}) {
      return fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${init.key ?? KEY}`, ...init.headers },
        body: JSON.stringify(body),
        signal: init.signal,
      });
    },
    async settled(count) {
      await vi.waitFor(
        () => {
          if (usageEvents.length < count) throw new Error(`${usageEvents.length} of ${count} usage events`);
        },
        { timeout: 10_000 },
      );
      await plane.moneyIdle();
    },
    async close() {
      await plane.close();
      await consumer?.stop();
      if (!options.bus) await bus.close();
      await upstream.close();
    },
  };
}
