import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { usageEvent } from '../../test/support/usage-events.ts';
import type { Heartbeat } from '../events/heartbeat.ts';
import type { UsageEvent } from '../events/usage-event.ts';
import { createMemoryBus } from './memory-bus.ts';
import { createPortBus, serveBus } from './port-bus.ts';

const at = new Date(0).toISOString();
const dataBeat: Heartbeat = {
  schemaVersion: 1,
  plane: 'data',
  instanceId: 'data-1',
  snapshotVersion: null,
  snapshotHash: null,
  snapshotSource: null,
  lastRefused: null,
  state: 'ready',
  degraded: [],
  inFlight: 0,
  startedAt: at,
  sentAt: at,
  intervalMs: 1000,
};
const controlBeat: Heartbeat = { schemaVersion: 1, plane: 'control', instanceId: 'control-1', databaseUp: true, sentAt: at, intervalMs: 1000 };

describe("the cross-thread bus (the embedded default's control plane in a worker)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  function pair() {
    const inner = createMemoryBus();
    const channel = new MessageChannel();
    const served = serveBus(inner, channel.port1);
    const remote = createPortBus(channel.port2);
    cleanups.push(async () => {
      await remote.close();
      await served.close();
      await inner.close();
    });
    return { inner, remote };
  }

  it('carries snapshots and their announcements both ways', async () => {
    const { inner, remote } = pair();
    const seen: number[] = [];
    await inner.onSnapshotAnnounced((version) => seen.push(version));
    await remote.publishSnapshot({ version: 3, json: '{"a":1}', signature: 's1.k.x' });
    expect(await inner.loadSnapshot()).toEqual({ version: 3, json: '{"a":1}', signature: 's1.k.x' });
    expect(await remote.loadSnapshot()).toEqual({ version: 3, json: '{"a":1}', signature: 's1.k.x' });
    expect(seen).toEqual([3]);
    const remoteSeen: number[] = [];
    const off = await remote.onSnapshotAnnounced((version) => remoteSeen.push(version));
    await inner.publishSnapshot({ version: 4, json: '{}', signature: null });
    await expect.poll(() => remoteSeen).toEqual([4]);
    await off();
    await inner.publishSnapshot({ version: 5, json: '{}', signature: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(remoteSeen).toEqual([4]);
  });

  it('carries a delta published alone with its announcement to the other thread', async () => {
    const { inner, remote } = pair();
    const seen: unknown[] = [];
    await remote.onSnapshotAnnounced((version, delta) => seen.push([version, delta ?? null]));
    await inner.publishSnapshot({ version: 1, json: '{}', signature: 's1.k.a' });
    const delta = { from: 1, to: 2, json: '{"from":1,"to":2}', signature: 's1.k.b' };
    expect(await inner.publishSnapshotDelta(delta)).toBe('stored');
    await expect
      .poll(() => seen)
      .toEqual([
        [1, null],
        [2, delta],
      ]);
  });

  it('delivers usage to the other thread and acknowledges only what its handler stored: a failed batch comes again', async () => {
    const { inner, remote } = pair();
    const stored: UsageEvent[] = [];
    let failures = 1;
    const consumer = remote.consumeUsage('cp', async (events) => {
      if (failures-- > 0) throw new Error('database hiccup');
      stored.push(...events);
    });
    const events = [usageEvent('t', 'k'), usageEvent('t', 'k')];
    for (const event of events) await inner.publishUsage(event);
    await expect.poll(() => stored.map((e) => e.id), { timeout: 5_000 }).toEqual(events.map((e) => e.id));
    await expect.poll(async () => remote.usageBacklog()).toEqual({ pending: 0, lag: 0, deadLetters: 0 });
    await consumer.stop();
  });

  it('passes heartbeats both ways', async () => {
    const { inner, remote } = pair();
    const atControl: string[] = [];
    const atData: string[] = [];
    await remote.onHeartbeat('data', (beat) => atControl.push(beat.instanceId));
    await inner.onHeartbeat('control', (beat) => atData.push(beat.instanceId));
    await inner.publishHeartbeat(dataBeat);
    await remote.publishHeartbeat(controlBeat);
    await expect.poll(() => [atControl, atData]).toEqual([['data-1'], ['control-1']]);
  });
});
