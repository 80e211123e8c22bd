/**
 * The embedded default beside the split data plane, in the same run (issue 13): a second gateway
 * process wired as `npm start` is (data plane on the main thread, the real control plane with
 * PGlite and usage ingestion in a worker thread, the in-process bus between them), loaded with
 * the same plain requests at the same concurrencies. Reports its throughput as a share of the
 * data plane's measured in the matrix, and its RSS after the runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type LoadGenerator, runLoad } from './load.ts';
import { CHAT_PATH, gatewayVariants, type MatrixRow, measuredRun } from './load-matrix.ts';
import { memoryMb, settledRssMb } from './proc-stats.ts';
import { startGateway } from './processes.ts';
import { type BenchSnapshotOptions, benchSnapshot } from './snapshot.ts';

export interface EmbeddedResult {
  rows: { connections: number; rps: number; splitRps: number | null; ratio: number | null; p99Ms: number; cpuMicrosPerRequest: number; errors: number }[];
  rssMb: number;
  peakRssMb: number;
  /** Once it stopped moving after the runs (both threads return memory when quiet), and how long that took. */
  settledRssMb: number;
  settledSeconds: number;
  /** Committed V8 heap of the data plane's (main) thread and of the control plane's worker thread. */
  mainHeapMb: number;
  workerHeapMb: number | null;
  usageEventsStored: boolean;
}

export async function runEmbeddedPhase(args: {
  generator: LoadGenerator;
  scratchDir: string;
  upstream: { port: number; pid: number };
  snapshotShape: Omit<BenchSnapshotOptions, 'version'>;
  secretKey: string;
  concurrencies: number[];
  seconds: number;
  matrix: MatrixRow[];
  log: (line: string) => void;
}): Promise<EmbeddedResult> {
  // A version far above what the embedded control plane publishes, so the bench's snapshot stays.
  const version = 1_000_000;
  const bench = benchSnapshot({ ...args.snapshotShape, version });
  const snapshotFile = path.join(args.scratchDir, 'snapshot-embedded.json');
  writeFileSync(snapshotFile, bench.json);
  const dataDir = path.join(args.scratchDir, `embedded-${randomBytes(3).toString('hex')}`);
  mkdirSync(dataDir, { recursive: true });
  const gateway = await startGateway({
    snapshotFile,
    snapshotVersion: version,
    secretKey: args.secretKey,
    busPrefix: 'embedded',
    embedded: { dataDir, adminKey: `tga_bench_${randomBytes(12).toString('hex')}` },
  });
  try {
    const variants = gatewayVariants(bench, 'plain');
    const targets = { generator: args.generator, scratchDir: args.scratchDir, upstream: args.upstream, gateway };
    await runLoad(
      args.generator,
      { port: gateway.port, path: CHAT_PATH, variants, connections: 16, seconds: Math.max(1, Math.round(args.seconds / 3)) },
      args.scratchDir,
    );
    const rows: EmbeddedResult['rows'] = [];
    for (const connections of args.concurrencies) {
      const run = await measuredRun(targets, gateway.port, variants, connections, args.seconds, [gateway.pid, args.upstream.pid]);
      const split = args.matrix.find((row) => row.mode === 'plain' && row.connections === connections)?.gateway.rps ?? null;
      const row = {
        connections,
        rps: run.result.rps,
        splitRps: split,
        ratio: split ? run.result.rps / split : null,
        p99Ms: run.result.p99Ms,
        cpuMicrosPerRequest: run.cpuPerRequest[0]!,
        errors: run.result.errors,
      };
      rows.push(row);
      args.log(
        `  embedded plain c=${String(connections).padEnd(3)} ${row.rps.toFixed(0).padStart(6)} rps p99 ${row.p99Ms.toFixed(3)} ms, ${row.cpuMicrosPerRequest.toFixed(0)} us CPU/req (process, both threads)` +
          `${row.ratio === null ? '' : `, ${row.ratio.toFixed(2)}x the data plane's ${split!.toFixed(0)} rps`}${row.errors ? `, ERRORS ${row.errors}` : ''}`,
      );
    }
    const memory = memoryMb(gateway.pid);
    const heaps = await gateway.request<{ mainHeapBytes: number; workerHeapBytes: number | null }>({ type: 'memory' }, 'memory');
    const settled = await settledRssMb(gateway.pid);
    const settledHeaps = await gateway.request<{ mainHeapBytes: number; workerHeapBytes: number | null }>({ type: 'memory' }, 'memory');
    const mb = (bytes: number | null) => (bytes === null ? '?' : (bytes / 2 ** 20).toFixed(0));
    args.log(
      `  embedded RSS after the runs: ${memory.rssMb.toFixed(0)} MB (peak ${memory.peakRssMb.toFixed(0)} MB; V8 heaps committed: data plane thread ${mb(heaps.mainHeapBytes)} MB, control plane worker ${mb(heaps.workerHeapBytes)} MB, the rest native: PGlite, code, malloc); settled ${settled.rssMb.toFixed(0)} MB after ${settled.seconds} s (heaps ${mb(settledHeaps.mainHeapBytes)} and ${mb(settledHeaps.workerHeapBytes)} MB)`,
    );
    return {
      rows,
      rssMb: memory.rssMb,
      peakRssMb: memory.peakRssMb,
      settledRssMb: settled.rssMb,
      settledSeconds: settled.seconds,
      mainHeapMb: heaps.mainHeapBytes / 2 ** 20,
      workerHeapMb: heaps.workerHeapBytes === null ? null : heaps.workerHeapBytes / 2 ** 20,
      usageEventsStored: true,
    };
  } finally {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
