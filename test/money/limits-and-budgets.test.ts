import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryMoneyStore } from '../../data-plane/money/memory-money-store.ts';
import type { MoneyStore } from '../../data-plane/money/money-store.ts';
import { createRedisMoneyStore } from '../../data-plane/money/redis-money-store.ts';
import { teamCounterGroup } from '../../shared/money/money-counters.ts';
import { redisClusterAvailable, useRedisCluster } from '../support/redis-targets.ts';
import { isReachable, redisUrl, requireOrSkip } from '../support/services.ts';
import { type MoneyHarness, type MoneyScenario, startMoneyHarness } from './money-harness.ts';

const redisUp = await requireOrSkip('Redis', isReachable(redisUrl()));

/** 31 prompt bytes as JSON (the reservation's bound) and max_tokens 5: at most 31 + 2 * 5 = 41 micro-USD. */
const BODY = { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 };
/** The upstream reports exactly the bound, so every request costs its full reservation. */
const FULL_USAGE = { prompt_tokens: 31, completion_tokens: 5, total_tokens: 36 };

let harness: MoneyHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

const cluster = useRedisCluster();

const stores: { name: string; make: () => MoneyStore; skip: boolean }[] = [
  { name: 'memory', make: () => createMemoryMoneyStore(), skip: false },
  { name: 'redis', make: () => createRedisMoneyStore({ url: redisUrl(), prefix: `tg-test-${randomBytes(5).toString('hex')}` }), skip: !redisUp },
  {
    name: 'redis cluster',
    make: () => createRedisMoneyStore({ url: cluster.url(), prefix: `tg-test-${randomBytes(5).toString('hex')}` }),
    skip: !redisClusterAvailable,
  },
];

describe.each(stores)('limits and budgets on the request path ($name store)', ({ make, skip }) => {
  const start = async (scenario: MoneyScenario, usage: object | null = FULL_USAGE) => {
    const store = make();
    harness = await startMoneyHarness(scenario, { store, upstream: { defaultReply: { usage: usage as never } } });
    return { h: harness, store };
  };

  it.skipIf(skip)('429 rate_limit_exceeded past the key rpm, with OpenAI headers on every answer', async () => {
    const { h } = await start({ keyLimits: { rpm: 3 } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await h.chat(BODY));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(answers.slice(0, 3).map((r) => r.headers.get('x-ratelimit-remaining-requests'))).toEqual(['2', '1', '0']);
    expect(answers[0].headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(answers[0].headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$/);
    const refused = answers[3];
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(19);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body = (await refused.json()) as { error: { code: string; type: string; message: string } };
    expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
    expect(body.error.message).toContain('Limit 3');
  });

  it.skipIf(skip)('counts tokens per minute from the plan: estimate reserved, actual settled', async () => {
    const { h } = await start({ planLimits: { tpm: 1_000 } });
    const first = await h.chat(BODY);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    const reservedRemaining = Number(first.headers.get('x-ratelimit-remaining-tokens'));
    await h.settled(1);
    const second = await h.chat(BODY);
    // The first request's estimate was corrected to its 36 real tokens (refill aside, it only grows).
    expect(1_000 - Number(second.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThanOrEqual(36 + (1_000 - reservedRemaining));
    expect(await h.chat({ ...BODY, max_tokens: 2_000 })).toHaveProperty('status', 429);
  });

  it.skipIf(skip)('caps parallel requests per deployment', async () => {
    const { h } = await start({ deploymentLimits: { maxParallel: 2 } });
    h.upstream.enqueue({ kind: 'reply', usage: FULL_USAGE as never, delayMs: 300 }, { kind: 'reply', usage: FULL_USAGE as never, delayMs: 300 });
    const statuses = await Promise.all(
      [h.chat(BODY), h.chat(BODY), new Promise((r) => setTimeout(r, 100)).then(() => h.chat(BODY))].map(async (p) => (await p).status),
    );
    expect(statuses.sort()).toEqual([200, 200, 429]);
    await h.settled(2);
    expect((await h.chat(BODY)).status).toBe(200);
  });

  it.skipIf(skip)('routes past a deployment whose own rpm is spent to one with room, and refuses only when none has', async () => {
    const { h } = await start({ deploymentLimits: { rpm: 2 }, secondDeploymentLimits: { rpm: 2 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.chat(BODY)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const served = h.upstream.requests.map((request) => request.body.model).sort();
    expect(served).toEqual(['up-m', 'up-m', 'up-m2', 'up-m2']);
    await h.settled(4);
    expect(h.usageEvents.map((event) => event.deploymentId).sort()).toEqual(['dep-m', 'dep-m', 'dep-m2', 'dep-m2']);
  });

  it.skipIf(skip)('spreads parallel requests over deployments by their own maxParallel', async () => {
    const { h } = await start({ deploymentLimits: { maxParallel: 1 }, secondDeploymentLimits: { maxParallel: 1 } });
    const slow = { kind: 'reply', usage: FULL_USAGE as never, delayMs: 300 } as const;
    h.upstream.enqueue(slow, slow);
    const later = new Promise((resolve) => setTimeout(resolve, 100)).then(() => h.chat(BODY));
    const [one, two, three] = await Promise.all([h.chat(BODY), h.chat(BODY), later]);
    expect([one.status, two.status, three.status]).toEqual([200, 200, 429]);
    expect((await three.json()).error.code).toBe('rate_limit_exceeded');
    expect(h.upstream.requests.map((request) => request.body.model).sort()).toEqual(['up-m', 'up-m2']);
    await h.settled(2);
    // Both slots are free again.
    expect((await h.chat(BODY)).status).toBe(200);
    expect((await h.chat(BODY)).status).toBe(200);
  });

  it.skipIf(skip)('hard budget of ten requests, 200 concurrent: spend never exceeds it (markup included)', async () => {
    // 41 micro-USD at list price, 46 with a 10 % markup (45.1 rounded up); the budget is exactly ten of them.
    const { h, store } = await start({ markupBasisPoints: 1000, budgets: [{ amountMicroUsd: 460, hard: true }] });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => h.chat({ ...BODY, stream: i % 2 === 0 })));
    const ok = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(ok.length + refused.length).toBe(200);
    await Promise.all(ok.map((r) => r.text()));
    const error = ((await refused[0].json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('insufficient_quota');
    expect(error.message).toContain('team budget b1 (monthly)');
    await h.settled(ok.length);
    const spent = h.usageEvents.reduce((sum, e) => sum + e.costMicroUsd, 0);
    const month = new Date().toISOString().slice(0, 7);
    const counter = await store.budgetCounter(`budget:team:t:monthly:${month}`, teamCounterGroup('t'));
    expect(h.usageEvents.every((e) => e.costMicroUsd === 46 && e.providerCostMicroUsd === 41)).toBe(true);
    expect(ok.length).toBe(10);
    expect(spent).toBe(460);
    expect(counter).toEqual({ spent: 460, reserved: 0 });
    // Operators see the refusals as budget rejections, not as rate limiting.
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^tollgate_budget_rejected_total 190$/m);
    expect(metrics).toMatch(/^tollgate_rate_limited_total 0$/m);
  });

  it.skipIf(skip)('reserves for the dearest model a fallback could reach: a pricier fallback cannot spend past a hard budget', async () => {
    // m's worst case is 40 µ$, its fallback m-pricey's 400 µ$: a 100 µ$ budget fits the first only.
    const { h, store } = await start({ priceyFallback: true, budgets: [{ amountMicroUsd: 100, hard: true }] });
    h.upstream.enqueue({ kind: 'error', status: 500, message: 'boom' });
    const refused = await h.chat(BODY);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('insufficient_quota');
    expect(h.upstream.requests).toHaveLength(0);
    const month = new Date().toISOString().slice(0, 7);
    expect(await store.budgetCounter(`budget:team:t:monthly:${month}`, teamCounterGroup('t'))).toEqual({ spent: 0, reserved: 0 });
  });

  it.skipIf(skip)('prepaid credits run out with insufficient_quota; bring-your-own-key carries no markup, draws no credits, still counts', async () => {
    const { h, store } = await start({
      billing: 'prepaid',
      creditsGrantedMicroUsd: 100,
      markupBasisPoints: 1000,
      budgets: [{ amountMicroUsd: 1_000_000, hard: false }],
    });
    expect((await h.chat(BODY)).status).toBe(200);
    expect((await h.chat(BODY)).status).toBe(200);
    await h.settled(2);
    const third = await h.chat(BODY);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { message: string } }).error.message).toContain('prepaid credits of team t');
    const own = await h.chat({ ...BODY, model: 'byok-m' });
    expect(own.status).toBe(200);
    await h.settled(3);
    const byokEvent = h.usageEvents.find((e) => e.model === 'byok-m')!;
    expect(byokEvent).toMatchObject({ byok: true, costMicroUsd: 41, providerCostMicroUsd: 41 });
    const month = new Date().toISOString().slice(0, 7);
    expect(await store.budgetCounter('credits:team:t', teamCounterGroup('t'))).toEqual({ spent: 92, reserved: 0 });
    expect(await store.budgetCounter(`budget:team:t:monthly:${month}`, teamCounterGroup('t'))).toEqual({ spent: 133, reserved: 0 });
  });

  it.skipIf(skip)('streams are never $0: without upstream usage, aborted, and cut', async () => {
    const { h } = await start({}, null);
    const noUsage = await h.chat({ ...BODY, stream: true });
    await noUsage.text();
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four', failAfterChunks: 2, usage: null });
    const cut = await h.chat({ ...BODY, stream: true });
    await cut.text();
    const controller = new AbortController();
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four', hangAfterChunks: 2, usage: null });
    const aborted = await h.chat({ ...BODY, stream: true }, { signal: controller.signal });
    const reader = aborted.body!.getReader();
    await reader.read();
    controller.abort();
    await h.settled(3);
    expect(h.usageEvents.map((e) => e.outcome).sort()).toEqual(['aborted', 'ok', 'upstream_error']);
    for (const event of h.usageEvents) {
      expect(event.estimated).toBe(true);
      expect(event.costMicroUsd).toBeGreaterThan(0);
    }
  });

  it.skipIf(skip)('Idempotency-Key: same body replays the stored answer and bills once; another body gets 409', async () => {
    const { h } = await start({});
    for (const stream of [false, true]) {
      const headers = { 'idempotency-key': `order-${stream}` };
      const body = { ...BODY, stream };
      const first = await h.chat(body, { headers });
      const firstText = await first.text();
      const again = await h.chat(body, { headers });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await again.text()).toBe(firstText);
      const other = await h.chat({ ...body, max_tokens: 6 }, { headers });
      expect(other.status).toBe(409);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    }
    await h.settled(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.usageEvents).toHaveLength(2);
    expect(h.upstream.requests).toHaveLength(2);
  });
});
