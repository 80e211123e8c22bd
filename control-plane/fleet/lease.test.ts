import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Lease, runAsSingleton } from './lease.ts';

/** A lease that is always free; `release` counts the clean stops. */
function freeLease() {
  const calls = { tryHold: 0, release: 0 };
  const lease: Lease = {
    name: 'test',
    async tryHold() {
      calls.tryHold++;
      return true;
    },
    async release() {
      calls.release++;
    },
  };
  return { lease, calls };
}

describe('runAsSingleton', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('skips the ticks that come while a job still runs, instead of queueing them', async () => {
    vi.useFakeTimers();
    const { lease } = freeLease();
    let runs = 0;
    let finish = () => {};
    const job = () => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const singleton = runAsSingleton(lease, 100, job);
    await vi.advanceTimersByTimeAsync(1_000); // ten ticks while the first job runs
    expect(runs).toBe(1);
    expect(singleton.holding()).toBe(true);
    finish();
    await vi.advanceTimersByTimeAsync(100); // the next tick starts the next job: one, not a burst
    expect(runs).toBe(2);
    finish();
    await singleton.stop();
  });

  it('stop() waits for the job in progress, then gives the lease up; no tick after it', async () => {
    vi.useFakeTimers();
    const { lease, calls } = freeLease();
    let finish = () => {};
    let done = false;
    const singleton = runAsSingleton(lease, 100, () => new Promise<void>((resolve) => (finish = resolve)).then(() => void (done = true)));
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = singleton.stop().then(() => void (stopped = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(stopped).toBe(false);
    expect(calls.release).toBe(0);
    finish();
    await stopping;
    expect(done).toBe(true);
    expect(calls.release).toBe(1);
    expect(singleton.holding()).toBe(false);
    const holds = calls.tryHold;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.tryHold).toBe(holds);
  });

  it('reports an outage when it starts, then at most once a minute, and when it ends', async () => {
    vi.useFakeTimers();
    let down = true;
    const lease: Lease = {
      name: 'test',
      async tryHold() {
        if (down) throw new Error('database down');
        return true;
      },
      async release() {},
    };
    const failed: number[] = [];
    const recovered: number[] = [];
    const singleton = runAsSingleton(lease, 1_000, async () => undefined, {
      failed: (_error, failures) => failed.push(failures),
      recovered: (failures) => recovered.push(failures),
    });
    await vi.advanceTimersByTimeAsync(179_500); // ticks at 0, 1 s, ..., 179 s: 180 failures
    expect(failed).toEqual([1, 61, 121]);
    down = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(recovered).toEqual([180]);
    expect(singleton.holding()).toBe(true);
    down = true; // a new outage is reported at once
    await vi.advanceTimersByTimeAsync(1_000);
    expect(failed).toEqual([1, 61, 121, 1]);
    down = false;
    await singleton.stop();
  });
});
