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
      publishUsage: vi.fn(async (e: UsageEvent) => {
        if (down) throw new Error('ECONNREFUSED');
        published.push(e.id);
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
    const publisher = createUsagePublisher({ publishUsage: async () => Promise.reject(new Error('down')) }, silentLogger, { maxSpooled: 2, retryIntervalMs: 1000 });
    for (const id of ['a', 'b', 'c']) publisher.publish(event(id));
    await vi.waitFor(() => expect(publisher.spool()).toEqual({ spooled: 2, dropped: 1 }));
  });
});
