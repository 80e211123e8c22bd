import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ConfigSnapshot, hashSnapshotContent } from '../shared/snapshot/schema.ts';
import { type LoadGenerator, type LoadResult, runLoad } from './load.ts';
import { CHAT_PATH, directVariants, gatewayVariants, measuredRun } from './load-matrix.ts';
import { startGateway } from './processes.ts';
import { dropRedisKeys } from './redis-cleanup.ts';
import type { BenchSnapshot } from './snapshot.ts';

/** One concurrency of the cache-hit phase: every gateway request answered from the response cache. */
export interface CacheHitRow {
  connections: number;
  direct: LoadResult;
  gateway: LoadResult;
  /** Gateway hits per second over direct upstream requests per second. */
  throughputRatio: number;
  /** The gateway's CPU per hit (lookup, replay, usage event at the hit price, limits). */
  gatewayCpuMicrosPerHit: number;
  /** The upstream's CPU per gateway request in that run: near 0 when every request is a hit. */
  upstreamCpuMicrosPerGatewayRequest: number;
}

/** The bench snapshot with the response cache on for every plan (every request cacheable). */
function withCachePolicies(bench: BenchSnapshot): string {
  const { version, hash: _hash, createdAt, ...content } = bench.snapshot;
  const cached = {
    ...content,
    cachePolicies: content.plans.map((plan) => ({
      id: `cache-${plan.id}`,
      scope: 'plan' as const,
      scopeId: plan.id,
      enabled: true,
      ttlSeconds: 3600,
      deterministicOnly: false,
      hitPriceMicroUsd: 0,
    })),
  };
  const snapshot: ConfigSnapshot = { ...cached, version, hash: hashSnapshotContent(cached), createdAt };
  return JSON.stringify(snapshot);
}

/**
 * A gateway of its own on the same snapshot with the cache on (in process, or in Redis with
 * REDIS_URL): each of the 256 request variants is stored by the warm-up, then the same load as
 * the plain matrix runs against it and against the upstream directly.
 */
export async function runCachePhase(args: {
  generator: LoadGenerator;
  scratchDir: string;
  upstream: { port: number; pid: number };
  bench: BenchSnapshot;
  secretKey: string;
  redisUrl?: string;
  concurrencies: number[];
  seconds: number;
  log: (line: string) => void;
}): Promise<CacheHitRow[]> {
  const snapshotFile = path.join(args.scratchDir, 'snapshot-cache.json');
  writeFileSync(snapshotFile, withCachePolicies(args.bench));
  const busPrefix = `tollgate-bench-cache-${randomBytes(4).toString('hex')}`;
  const gateway = await startGateway({ snapshotFile, secretKey: args.secretKey, redisUrl: args.redisUrl, busPrefix });
  const targets = { generator: args.generator, scratchDir: args.scratchDir, upstream: args.upstream, gateway };
  const rows: CacheHitRow[] = [];
  try {
    const gv = gatewayVariants(args.bench, 'plain');
    const dv = directVariants(args.bench, 'plain');
    // Fills the cache (one miss per variant) and warms the JIT.
    await runLoad(
      args.generator,
      { port: gateway.port, path: CHAT_PATH, variants: gv, connections: 16, seconds: Math.max(1, Math.round(args.seconds / 3)) },
      args.scratchDir,
    );
    for (const connections of args.concurrencies) {
      const direct = await measuredRun(targets, args.upstream.port, dv, connections, args.seconds, [args.upstream.pid]);
      const hits = await measuredRun(targets, gateway.port, gv, connections, args.seconds, [gateway.pid, args.upstream.pid]);
      const row: CacheHitRow = {
        connections,
        direct: direct.result,
        gateway: hits.result,
        throughputRatio: hits.result.rps / direct.result.rps,
        gatewayCpuMicrosPerHit: hits.cpuPerRequest[0],
        upstreamCpuMicrosPerGatewayRequest: hits.cpuPerRequest[1],
      };
      rows.push(row);
      args.log(
        `  cache-hit c=${String(connections).padEnd(3)} direct ${direct.result.rps.toFixed(0).padStart(6)} rps p50 ${direct.result.p50Ms.toFixed(3)} ms | ` +
          `gateway ${hits.result.rps.toFixed(0).padStart(6)} rps p50 ${hits.result.p50Ms.toFixed(3)} ms, ratio ${row.throughputRatio.toFixed(2)}, ` +
          `${row.gatewayCpuMicrosPerHit.toFixed(0)} us CPU/hit, upstream ${row.upstreamCpuMicrosPerGatewayRequest.toFixed(1)} us/req` +
          (direct.result.errors + hits.result.errors ? `, ERRORS ${direct.result.errors}/${hits.result.errors}` : ''),
      );
    }
  } finally {
    await gateway.stop();
    if (args.redisUrl) await dropRedisKeys(args.redisUrl, `${busPrefix}:*`);
  }
  return rows;
}
