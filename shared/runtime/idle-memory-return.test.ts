import { getHeapSpaceStatistics } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { type IdleMemoryReturn, returnMemoryWhenIdle } from './idle-memory-return.ts';

const MB = 1024 * 1024;
let stop: (() => void) | undefined;
afterEach(() => stop?.());

function watch(options: { checkIntervalMs: number; quietForMs: number; quietUtilization?: number }) {
  const reports: IdleMemoryReturn[] = [];
  const running = returnMemoryWhenIdle({ ...options, logger: { debug: (fields) => reports.push(fields as IdleMemoryReturn) } });
  stop = running.stop;
  return reports;
}

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let value = probe(); Date.now() < deadline; value = probe()) {
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return probe();
}

describe('returnMemoryWhenIdle', () => {
  it('gives freed malloc memory back to the system once the thread is quiet', async () => {
    // 96 MB of 32 KB buffers (malloc'd by Node's ArrayBuffer allocator), each followed by a small
    // one that stays: freeing the large ones leaves holes malloc keeps unless it is trimmed.
    const kept: Uint8Array[] = [];
    let garbage: Uint8Array[] = [];
    for (let i = 0; i < 3_072; i++) {
      garbage.push(new Uint8Array(32 * 1024).fill(1));
      kept.push(new Uint8Array(1024).fill(1));
    }
    garbage = [];
    const reports = watch({ checkIntervalMs: 100, quietForMs: 300 });
    const report = await until(() => reports[0], 5_000);
    expect(report).toBeDefined();
    expect(report!.trimmed).toBe(process.platform === 'linux');
    if (process.platform === 'linux') expect(report!.rssBeforeBytes - report!.rssAfterBytes).toBeGreaterThan(48 * MB);
    expect(kept.length + garbage.length).toBe(3_072);
  });

  it("compacts V8's heap: a fragmented old space goes back to about what is live", async () => {
    // 600,000 small objects reach the old space; one in eight stays: 7 of 8 of each page is garbage.
    let all: { n: number; s: string; a: number[] }[] | null = [];
    for (let i = 0; i < 600_000; i++) all.push({ n: i, s: `x${i}`, a: [i] });
    const reports = watch({ checkIntervalMs: 100, quietForMs: 300 });
    const kept = all.filter((_, i) => i % 8 === 0);
    all = null;
    expect(await until(() => reports[0], 5_000)).toBeDefined();
    const old = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!;
    // A collection by V8's own heuristics left 30-65 MB of such pages committed.
    expect(old.space_size - old.space_used_size).toBeLessThan(16 * MB);
    expect(kept.length).toBe(75_000);
  });

  it('waits while the thread is busy, returns once it has stayed quiet, and not again without new load', async () => {
    // Quiet below 50 % here, not 5 %: over windows of 300 ms, a test worker's own chatter on a
    // loaded machine (other test files beside it, and before it in the same worker) can read above
    // 5 %, and once read above 25 % (a fresh clone's CI run), and count as new load. The busy
    // spell below is 80 %.
    const reports = watch({ checkIntervalMs: 100, quietForMs: 300, quietUtilization: 0.5 });
    // Busy: 40 ms of work every 50 ms, far above the quiet line.
    const busy = setInterval(() => {
      const until = performance.now() + 40;
      while (performance.now() < until);
    }, 50);
    await new Promise((resolve) => setTimeout(resolve, 800));
    clearInterval(busy);
    expect(reports).toHaveLength(0);
    expect(await until(() => reports[0], 3_000)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(reports).toHaveLength(1);
  });

  it('counts the quiet spell on average: a short burst of work neither postpones the return nor starts another', async () => {
    // Quiet below 15 % (not 5 %: a test worker's chatter on a loaded machine reads a few %).
    const reports = watch({ checkIntervalMs: 100, quietForMs: 1_000, quietUtilization: 0.15 });
    const work = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // 30 ms of work every second: 3 % on average, 30 % of the 100 ms interval it falls in (above
    // the quiet line: a return judged interval by interval would wait for ever).
    const bursts = setInterval(() => work(30), 1_000);
    try {
      // Quiet on average since start: returned within the first window or two, despite the bursts.
      expect(await until(() => reports[0], 2_500)).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(reports).toHaveLength(1);
    } finally {
      clearInterval(bursts);
    }
  });
});
