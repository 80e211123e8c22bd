import { afterEach, describe, expect, it } from 'vitest';
import { createRedisMoneyStore } from '../../data-plane/money/redis-money-store.ts';
import { type MoneyHarness, startMoneyHarness } from './money-harness.ts';

let harness: MoneyHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('Redis unreachable', () => {
  it('keeps serving on the declared local share of every limit, and says so in /readyz', async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    const store = createRedisMoneyStore({ url: 'redis://127.0.0.1:1', prefix: 'tg-down', commandTimeoutMs: 200 });
    harness = await startMoneyHarness({ keyLimits: { rpm: 10 }, budgets: [{ amountMicroUsd: 1_000_000, hard: true }] }, { store, localShare: 0.5 });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await harness.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const ready = (await (await fetch(`${harness.url}/readyz`)).json()) as {
      status: string;
      degraded: string[];
      money: { degraded: boolean; localShare: number; pendingSettles: number };
    };
    expect(ready.status).toBe('ready');
    // Every degraded state shows in `degraded`, not only in its own section.
    expect(ready.degraded).toContain('money_local_share');
    expect(ready.money).toMatchObject({ degraded: true, localShare: 0.5 });
    await harness.settled(5);
    // What was spent during the outage waits to be replayed into Redis when it is back.
    expect(harness.plane.money().pendingSettles).toBe(5);
  });
});
