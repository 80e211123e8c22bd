import { type LoadGenerator, type LoadResult, type RequestVariant, runLoad } from './load.ts';
import { chatRequestBody } from './payloads.ts';
import { cpuMicros, machineBusyMicros, memoryMb } from './proc-stats.ts';
import type { BenchSnapshot } from './snapshot.ts';
import { UPSTREAM_CREDENTIAL } from './snapshot.ts';

export type Mode = 'plain' | 'stream';

export interface MatrixRow {
  mode: Mode;
  connections: number;
  direct: LoadResult;
  gateway: LoadResult;
  /** Gateway p50/p99 minus direct p50/p99 at the same concurrency. */
  addedP50Ms: number;
  addedP99Ms: number;
  /** Gateway requests per second over direct. */
  throughputRatio: number;
  gatewayCpuMicrosPerRequest: number;
  /** The upstream's CPU per request, direct: what the run's cores spent outside the gateway. */
  upstreamCpuMicrosPerRequest: number;
  gatewayRssMb: number;
  /**
   * Cores kept busy during the gateway run by processes other than the gateway and the upstream
   * (wrk itself, plus anything else on the machine): a noisy neighbour shows up here.
   */
  otherCores: number;
}

export const CHAT_PATH = '/v1/chat/completions';

export function gatewayVariants(bench: BenchSnapshot, mode: Mode): RequestVariant[] {
  return bench.requestPairs.map((pair) => ({
    headers: { 'content-type': 'application/json', authorization: `Bearer ${pair.secret}` },
    body: chatRequestBody(pair.model, mode === 'stream'),
  }));
}

/** The same bodies sent straight to the upstream, with the upstream model id the gateway would send. */
export function directVariants(bench: BenchSnapshot, mode: Mode): RequestVariant[] {
  return bench.requestPairs.map((pair) => ({
    headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_CREDENTIAL}` },
    body: chatRequestBody(pair.model.replace('bench-model-', 'upstream-'), mode === 'stream'),
  }));
}

export interface Targets {
  generator: LoadGenerator;
  scratchDir: string;
  upstream: { port: number; pid: number };
  gateway: { port: number; pid: number };
}

/** A run with the CPU of the given processes measured over it. */
export async function measuredRun(targets: Targets, port: number, variants: RequestVariant[], connections: number, seconds: number, pids: number[]) {
  const before = pids.map(cpuMicros);
  const machineBefore = machineBusyMicros();
  const started = performance.now();
  const result = await runLoad(targets.generator, { port, path: CHAT_PATH, variants, connections, seconds }, targets.scratchDir);
  const elapsedMicros = (performance.now() - started) * 1000;
  const cpu = pids.map((pid, i) => cpuMicros(pid) - before[i]);
  const otherCores = (machineBusyMicros() - machineBefore - cpu.reduce((a, b) => a + b, 0)) / elapsedMicros;
  return { result, cpuPerRequest: cpu.map((micros) => micros / Math.max(1, result.requests)), otherCores };
}

/** Warm-up (JIT, connection pools), then direct and gateway back to back at each concurrency. */
export async function runMatrix(
  targets: Targets,
  bench: BenchSnapshot,
  concurrencies: number[],
  seconds: number,
  log: (line: string) => void,
): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  const warmupSeconds = Math.max(1, Math.round(seconds / 3));
  for (const mode of ['plain', 'stream'] as const) {
    const gv = gatewayVariants(bench, mode);
    const dv = directVariants(bench, mode);
    await runLoad(
      targets.generator,
      { port: targets.gateway.port, path: CHAT_PATH, variants: gv, connections: 16, seconds: warmupSeconds },
      targets.scratchDir,
    );
    for (const connections of concurrencies) {
      const direct = await measuredRun(targets, targets.upstream.port, dv, connections, seconds, [targets.upstream.pid]);
      const gateway = await measuredRun(targets, targets.gateway.port, gv, connections, seconds, [targets.gateway.pid, targets.upstream.pid]);
      const row: MatrixRow = {
        mode,
        connections,
        direct: direct.result,
        gateway: gateway.result,
        addedP50Ms: gateway.result.p50Ms - direct.result.p50Ms,
        addedP99Ms: gateway.result.p99Ms - direct.result.p99Ms,
        throughputRatio: gateway.result.rps / direct.result.rps,
        gatewayCpuMicrosPerRequest: gateway.cpuPerRequest[0],
        upstreamCpuMicrosPerRequest: direct.cpuPerRequest[0],
        gatewayRssMb: memoryMb(targets.gateway.pid).rssMb,
        otherCores: gateway.otherCores,
      };
      rows.push(row);
      log(
        `  ${mode.padEnd(6)} c=${String(connections).padEnd(3)} direct ${direct.result.rps.toFixed(0).padStart(6)} rps p50 ${direct.result.p50Ms.toFixed(3)} ms | ` +
          `gateway ${gateway.result.rps.toFixed(0).padStart(6)} rps p50 ${gateway.result.p50Ms.toFixed(3)} ms p99 ${gateway.result.p99Ms.toFixed(3)} ms, ` +
          `${row.gatewayCpuMicrosPerRequest.toFixed(0)} us CPU/req, other load ${row.otherCores.toFixed(2)} cores${direct.result.errors + gateway.result.errors ? `, ERRORS ${direct.result.errors}/${gateway.result.errors}` : ''}`,
      );
    }
  }
  return rows;
}
