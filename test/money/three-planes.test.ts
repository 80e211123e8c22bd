import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisMoneyStore } from '../../data-plane/money/redis-money-store.ts';
import { isReachable, redisUrl, requireOrSkip } from '../support/services.ts';
import { type MoneyHarness, startMoneyHarness } from './money-harness.ts';

const redisUp = await requireOrSkip('Redis', isReachable(redisUrl()));

describe.skipIf(!redisUp)('limits across three data planes', () => {
  const planes: MoneyHarness[] = [];
  afterAll(async () => {
    for (const plane of planes) await plane.close();
  });

  it('hold the global rate, not three times it', async () => {
    // Three planes, each with its own Redis connection, as three processes would have.
    const prefix = `tg-3p-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 3; i++) {
      planes.push(
        await startMoneyHarness({ keyLimits: { rpm: 30 }, planLimits: { tpm: 100_000 } }, { store: createRedisMoneyStore({ url: redisUrl(), prefix }) }),
      );
    }
    const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 };
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 90 }, (_, i) => planes[i % 3].chat(body)));
    const elapsedS = (Date.now() - started) / 1000;
    const ok = answers.filter((r) => r.status === 200).length;
    // GCRA: a burst of the limit, then limit/60 per second; Redis decides for all three planes.
    expect(ok).toBeGreaterThanOrEqual(30);
    expect(ok).toBeLessThanOrEqual(30 + Math.ceil(elapsedS * (30 / 60)));
    expect(answers.filter((r) => r.status === 429).length).toBe(90 - ok);
  });
});
