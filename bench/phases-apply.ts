import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createBus } from '../shared/bus/create-bus.ts';
import { parseSecretKeys } from '../shared/crypto/secret-box.ts';
import { createSnapshotSigner } from '../shared/snapshot/signature.ts';
import { CHAT_PATH, gatewayVariants } from './load-matrix.ts';
import { backgroundSamples, percentile, type Sample } from './probes.ts';
import { type GatewayChild, waitForMessage } from './processes.ts';
import { BENCH_SECRET_KEY, type BenchSnapshotOptions, benchSnapshot } from './snapshot.ts';

export interface ApplyResult {
  applies: number;
  snapshotBytes: number;
  /** From publish on the bus to the plane serving the new version (worst of the applies). */
  applyMsMax: number;
  applyMsMean: number;
  /** The event loop's longest block while applying, inside the gateway (worst): the longest any request waited because of it. */
  maxLoopBlockMs: number;
  /** The same over the second before each apply, same load (worst): what this machine adds without an apply. */
  controlLoopBlockMs: number;
  /** The slowest request that overlapped an apply, and the p99 of requests before it, from outside. */
  slowestRequestMs: number;
  baselineP99Ms: number;
  /** The slowest request that overlapped the second before an apply (worst). */
  controlSlowestRequestMs: number;
}

/**
 * Swaps in new 10,000-key snapshots while four request loops keep the gateway busy, and reports
 * how long each apply took and how long the longest request had to wait because of it, beside
 * the same measures over the second before (the noise floor). On Redis the snapshot is published
 * from here, as a control plane would, not from the gateway's own event loop.
 */
export async function runApplyPhase(
  gateway: GatewayChild,
  base: Omit<BenchSnapshotOptions, 'version' | 'revision'>,
  bench: Parameters<typeof gatewayVariants>[0],
  scratchDir: string,
  applies: number,
  redis: { url: string; prefix: string } | null,
): Promise<ApplyResult> {
  const publisher = redis ? createBus({ redisUrl: redis.url, prefix: redis.prefix }) : null;
  const signer = createSnapshotSigner(parseSecretKeys(BENCH_SECRET_KEY));
  const applyMs: number[] = [];
  const loopBlocks: number[] = [];
  const controlBlocks: number[] = [];
  let slowest = 0;
  let controlSlowest = 0;
  let baselineP99 = 0;
  let bytes = 0;
  const overlapping = (samples: Sample[], from: number, to: number) => samples.filter((s) => s.startedAt <= to && s.startedAt + s.totalMs >= from);
  try {
    for (let i = 0; i < applies; i++) {
      const version = 100 + i;
      const next = benchSnapshot({ ...base, version, revision: version });
      bytes = next.json.length;
      const file = path.join(scratchDir, `snapshot-${version}.json`);
      writeFileSync(file, next.json);
      const signature = publisher ? signer.sign(next.json) : null;
      const load = backgroundSamples(gateway.port, CHAT_PATH, gatewayVariants(bench, 'plain'), 4);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const applied = waitForMessage<{ applyMs: number; maxLoopDelayMs: number; controlLoopDelayMs: number }>(gateway.process, 'applied');
      const controlStarted = performance.now();
      await gateway.request({ type: 'apply', file: publisher ? null : file, version }, 'apply-ready');
      const started = performance.now();
      if (publisher) await publisher.publishSnapshot({ version, json: next.json, signature });
      const result = await applied;
      const ended = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const samples = await load.stop();
      applyMs.push(result.applyMs);
      loopBlocks.push(result.maxLoopDelayMs);
      controlBlocks.push(result.controlLoopDelayMs);
      const before = samples.filter((s) => s.startedAt + s.totalMs < started);
      baselineP99 = Math.max(
        baselineP99,
        percentile(
          before.map((s) => s.totalMs),
          99,
        ),
      );
      slowest = Math.max(slowest, ...overlapping(samples, started, ended).map((s) => s.totalMs));
      controlSlowest = Math.max(controlSlowest, ...overlapping(samples, controlStarted, started - 20).map((s) => s.totalMs));
    }
  } finally {
    await publisher?.close();
  }
  return {
    applies,
    snapshotBytes: bytes,
    applyMsMax: Math.max(...applyMs),
    applyMsMean: applyMs.reduce((a, b) => a + b, 0) / applyMs.length,
    maxLoopBlockMs: Math.max(...loopBlocks),
    controlLoopBlockMs: Math.max(...controlBlocks),
    slowestRequestMs: slowest,
    baselineP99Ms: baselineP99,
    controlSlowestRequestMs: controlSlowest,
  };
}
