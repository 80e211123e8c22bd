import { describe, expect, it, vi } from 'vitest';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { silentLogger } from '../logger.ts';
import { createUsagePublisher } from './usage-publisher.ts';

const event = (id: string) => ({ id, requestId: id }) as UsageEvent;

describe('usage publisher spool', () => {
  it('keeps events while the bus refuses them and drains them in order when it is back', async () => {
    let down = true;
    const published: string[] = [];
    const bus = {
      publishUsageBatch: vi.fn(async (events: readonly UsageEvent[]) => {
        if (down) throw new Error('ECONNREFUSED');
        published.push(...events.map((e) => e.id));
      }),
    };
    const publisher = createUsagePublisher(bus, silentLogger, { retryIntervalMs: 10 });
    publisher.publish(event('a'));
    publisher.publish(event('b'));
    await vi.waitFor(() => expect(publisher.spool().spooled).toBe(2));
    publisher.publish(event('c'));
    down = false;
    publisher.publish(event('d'));
    await vi.waitFor(() => expect(publisher.spool().spooled).toBe(0));
    await publisher.flush();
    expect(published).toEqual(['a', 'b', 'c', 'd']);
  });

  it('is bounded: past its size the oldest event is dropped and counted', async () => {
    const publisher = createUsagePublisher({ publishUsageBatch: async () => Promise.reject(new Error('down')) }, silentLogger, {
      maxSpooled: 2,
      retryIntervalMs: 1000,
    });
    for (const id of ['a', 'b', 'c']) publisher.publish(event(id));
    await vi.waitFor(() => expect(publisher.spool()).toMatchObject({ spooled: 2, dropped: 1 }));
  });

  it('is bounded in bytes too: large events push the oldest out before the count cap is reached', async () => {
    const big = (id: string) => ({ id, requestId: id, metadata: { note: 'x'.repeat(10_000) } }) as unknown as UsageEvent;
    const publisher = createUsagePublisher({ publishUsageBatch: async () => Promise.reject(new Error('down')) }, silentLogger, {
      maxSpooled: 1_000,
      maxSpooledBytes: 35_000,
      retryIntervalMs: 1000,
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) publisher.publish(big(id));
    await vi.waitFor(() => expect(publisher.spool()).toMatchObject({ spooled: 3, dropped: 2 }));
    expect(publisher.spool().spooledBytes).toBeLessThanOrEqual(35_000);
    expect(publisher.spool().spooledBytes).toBeGreaterThan(30_000);
  });

  it('sends the events of one event-loop turn in one batch, and resolves every publisher when the bus holds them', async () => {
    const batches: string[][] = [];
    const publisher = createUsagePublisher({ publishUsageBatch: async (events) => void batches.push(events.map((e) => e.id)) }, silentLogger);
    const handed = ['a', 'b', 'c'].map((id) => publisher.publish(event(id)));
    await Promise.all(handed);
    await publisher.publish(event('d'));
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('does not hold a response while the bus hangs: the handover resolves after its cap, the event is not lost', async () => {
    let finish: () => void = () => {};
    const published: string[] = [];
    const bus = {
      publishUsageBatch: (events: readonly UsageEvent[]) =>
        new Promise<void>((resolve) => (finish = () => (published.push(...events.map((e) => e.id)), resolve()))),
    };
    const publisher = createUsagePublisher(bus, silentLogger, { handoverWaitMs: 20 });
    const started = Date.now();
    await publisher.publish(event('a'));
    expect(Date.now() - started).toBeLessThan(1000);
    finish();
    await publisher.flush();
    expect(published).toEqual(['a']);
  });
});
