import { CHAT_PATH, directVariants, gatewayVariants } from './load-matrix.ts';
import { percentile, sequentialSamples } from './probes.ts';
import type { BenchSnapshot } from './snapshot.ts';

export interface ProbeResult {
  samples: number;
  /** Concurrency 1, non-streamed: the gateway's added latency seen from outside vs its own header. */
  outsideAddedP50Ms: number;
  outsideAddedMeanMs: number;
  headerP50Ms: number;
  headerMeanMs: number;
  headerP99Ms: number;
  /** Streamed: time to the first SSE frame, direct and through the gateway. */
  ttfbDirectP50Ms: number;
  ttfbGatewayP50Ms: number;
  ttfbOverheadP50Ms: number;
  ttfbOverheadP99Ms: number;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Sequential requests (one at a time, so the numbers are the path's cost, not queueing): the
 * `x-tollgate-overhead-ms` header against the latency added as measured from outside, and the
 * streaming time-to-first-byte overhead.
 */
export async function runProbes(gatewayPort: number, upstreamPort: number, bench: BenchSnapshot, count: number): Promise<ProbeResult> {
  const direct = await sequentialSamples(upstreamPort, CHAT_PATH, directVariants(bench, 'plain'), count);
  const gateway = await sequentialSamples(gatewayPort, CHAT_PATH, gatewayVariants(bench, 'plain'), count);
  const headers = gateway.map((s) => s.overheadHeaderMs ?? NaN);
  if (headers.some(Number.isNaN)) throw new Error('the gateway did not send x-tollgate-overhead-ms on every answer');
  const directStream = await sequentialSamples(upstreamPort, CHAT_PATH, directVariants(bench, 'stream'), count);
  const gatewayStream = await sequentialSamples(gatewayPort, CHAT_PATH, gatewayVariants(bench, 'stream'), count);
  const ttfbDirect = directStream.map((s) => s.ttfbMs);
  const ttfbGateway = gatewayStream.map((s) => s.ttfbMs);
  return {
    samples: count,
    outsideAddedP50Ms:
      percentile(
        gateway.map((s) => s.totalMs),
        50,
      ) -
      percentile(
        direct.map((s) => s.totalMs),
        50,
      ),
    outsideAddedMeanMs: mean(gateway.map((s) => s.totalMs)) - mean(direct.map((s) => s.totalMs)),
    headerP50Ms: percentile(headers, 50),
    headerMeanMs: mean(headers),
    headerP99Ms: percentile(headers, 99),
    ttfbDirectP50Ms: percentile(ttfbDirect, 50),
    ttfbGatewayP50Ms: percentile(ttfbGateway, 50),
    ttfbOverheadP50Ms: percentile(ttfbGateway, 50) - percentile(ttfbDirect, 50),
    ttfbOverheadP99Ms: percentile(ttfbGateway, 99) - percentile(ttfbDirect, 99),
  };
}
