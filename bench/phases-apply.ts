import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHAT_PATH, gatewayVariants } from './load-matrix.ts';
import { backgroundSamples, percentile } from './probes.ts';
import type { GatewayChild } from './processes.ts';
import { type BenchSnapshotOptions, benchSnapshot } from './snapshot.ts';

export interface ApplyResult {
  applies: number;
  snapshotBytes: number;
  /** From publish on the bus to the plane serving the new version (worst of the applies). */
  applyMsMax: number;
  applyMsMean: number;
  /** The event loop's longest block while applying, inside the gateway (worst). */
  maxLoopBlockMs: number;
  /** The slowest request that overlapped an apply, and the p99 of requests before it, from outside. */
  slowestRequestMs: number;
  baselineP99Ms: number;
}

/**
 * Swaps in new 10,000-key snapshots while four request loops keep the gateway busy, and reports
 * how long each apply took and how long the longest request had to wait because of it.
 */
export async function runApplyPhase(
  gateway: GatewayChild,
  base: Omit<BenchSnapshotOptions, 'version' | 'revision'>,
  bench: Parameters<typeof gatewayVariants>[0],
  scratchDir: string,
  applies: number,
): Promise<ApplyResult> {
  const applyMs: number[] = [];
  const loopBlocks: number[] = [];
  let slowest = 0;
  let baselineP99 = 0;
  let bytes = 0;
  for (let i = 0; i < applies; i++) {
    const version = 100 + i;
    const next = benchSnapshot({ ...base, version, revision: version });
    bytes = next.json.length;
    const file = path.join(scratchDir, `snapshot-${version}.json`);
    writeFileSync(file, next.json);
    const load = backgroundSamples(gateway.port, CHAT_PATH, gatewayVariants(bench, 'plain'), 4);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = performance.now();
    const applied = await gateway.request<{ applyMs: number; maxLoopDelayMs: number }>({ type: 'apply', file, version }, 'applied');
    const ended = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const samples = await load.stop();
    applyMs.push(applied.applyMs);
    loopBlocks.push(applied.maxLoopDelayMs);
    const before = samples.filter((s) => s.startedAt + s.totalMs < started);
    const during = samples.filter((s) => s.startedAt <= ended && s.startedAt + s.totalMs >= started);
    baselineP99 = Math.max(
      baselineP99,
      percentile(
        before.map((s) => s.totalMs),
        99,
      ),
    );
    slowest = Math.max(slowest, ...during.map((s) => s.totalMs));
  }
  return {
    applies,
    snapshotBytes: bytes,
    applyMsMax: Math.max(...applyMs),
    applyMsMean: applyMs.reduce((a, b) => a + b, 0) / applyMs.length,
    maxLoopBlockMs: Math.max(...loopBlocks),
    slowestRequestMs: slowest,
    baselineP99Ms: baselineP99,
  };
}
