import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Cancellation } from '../http/cancellation.ts';
import { AttemptClock } from './attempt-clock.ts';

const LONG = 60_000;
const timeouts = (over: { firstByteMs?: number; totalMs?: number; idleMs?: number }) => ({
  connectMs: LONG,
  firstByteMs: over.firstByteMs ?? LONG,
  totalMs: over.totalMs ?? LONG,
  idleMs: over.idleMs ?? LONG,
});
const never = () => new Promise<never>(() => {});

/** Resolves with the phase that ended the attempt and when, measured from `started`. */
function ended(clock: AttemptClock, started: number): Promise<{ phase: string | null; afterMs: number }> {
  return new Promise((resolve) => clock.cancellation.onAbort(() => resolve({ phase: clock.timedOut, afterMs: performance.now() - started })));
}

describe('AttemptClock: one shared timer, armed for the earliest deadline in flight', () => {
  it('cuts an attempt at its own deadline when an attempt with a later one armed the timer first', async () => {
    const started = performance.now();
    const slow = new AttemptClock(new Cancellation(), timeouts({ firstByteMs: 5_000 }));
    const quick = new AttemptClock(new Cancellation(), timeouts({ firstByteMs: 40 }));
    const { phase, afterMs } = await ended(quick, started);
    expect(phase).toBe('first_byte');
    expect(afterMs).toBeGreaterThanOrEqual(39);
    expect(afterMs).toBeLessThan(1_000);
    expect(slow.cancellation.aborted).toBe(false);
    slow.dispose();
  });

  it('re-arms for the deadline left when the earliest attempt ended first', async () => {
    const started = performance.now();
    const done = new AttemptClock(new Cancellation(), timeouts({ firstByteMs: 20 }));
    done.gotFirstByte();
    done.dispose();
    const later = new AttemptClock(new Cancellation(), timeouts({ totalMs: 80 }));
    const { phase, afterMs } = await ended(later, started);
    expect(phase).toBe('total');
    expect(afterMs).toBeGreaterThanOrEqual(79);
    expect(done.cancellation.aborted).toBe(false);
  });

  it('runs the idle deadline for exactly the wait it guards, and rejects the race', async () => {
    const started = performance.now();
    const clock = new AttemptClock(new Cancellation(), timeouts({ idleMs: 30 }));
    clock.gotFirstByte();
    await expect(clock.race(Promise.resolve('first event'), true)).resolves.toBe('first event');
    await expect(clock.race(never(), true)).rejects.toThrow('idle timeout');
    expect(clock.timedOut).toBe('idle');
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('follows the client: a client that leaves cancels the attempt at once', () => {
    const client = new Cancellation();
    const clock = new AttemptClock(client, timeouts({}));
    client.abort(new Error('client left'));
    expect(clock.cancellation.aborted).toBe(true);
    expect(clock.timedOut).toBeNull();
  });
});
