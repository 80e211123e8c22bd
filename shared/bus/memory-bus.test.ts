import { expect, it } from 'vitest';
import { usageEvent } from '../../test/support/usage-events.ts';
import type { DeadLetter } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';

const event = (endUser: string | null = null) => usageEvent('t', 'k', { endUser });

it('parks an event the store refuses after its deliveries, and stores the rest of its batch (it retried the batch for ever)', async () => {
  const bus = createMemoryBus({ maxDeliveries: 2 });
  const poison = event('a\u0000b');
  const good = [event(), event(), event()];
  const stored: string[] = [];
  const letters: DeadLetter[] = [];
  await bus.publishUsageBatch([good[0], poison, good[1]]);
  const consumer = bus.consumeUsage(
    'c',
    async (events) => {
      if (events.includes(poison)) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
      stored.push(...events.map((e) => e.id));
    },
    { onDeadLetter: (letter) => letters.push(letter) },
  );
  try {
    await expect
      .poll(() => letters, { timeout: 5_000 })
      .toEqual([{ sourceId: poison.id, kind: 'failed', eventId: poison.id, reason: expect.stringContaining('0x00') }]);
    await bus.publishUsage(good[2]);
    await expect.poll(() => stored.length, { timeout: 5_000 }).toBe(3);
    expect(stored.sort()).toEqual(good.map((e) => e.id).sort());
    expect(await bus.usageBacklog()).toEqual({ pending: 0, lag: 0, deadLetters: 1 });
  } finally {
    await consumer.stop();
    await bus.close();
  }
});

it('retries a batch for as long as the store is unavailable, counting no delivery', async () => {
  const bus = createMemoryBus({ maxDeliveries: 1 });
  const events = [event(), event()];
  let down = 3;
  const stored: string[] = [];
  await bus.publishUsageBatch(events);
  const consumer = bus.consumeUsage('c', async (batch) => {
    if (down-- > 0) throw Object.assign(new Error('database down'), { storeUnavailable: true });
    stored.push(...batch.map((e) => e.id));
  });
  try {
    await expect.poll(() => stored.length, { timeout: 5_000 }).toBe(2);
    expect((await bus.usageBacklog()).deadLetters).toBe(0);
  } finally {
    await consumer.stop();
    await bus.close();
  }
});
