/**
 * `npm run bench`: Tollgate's overhead, measured against the upstream it fronts, in one run.
 * See docs/performance.md for the method and today's figures; `npm run bench -- --help` for options.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runEmbeddedPhase } from './embedded-phase.ts';
import { type ReplicaIngestionResult, runIngestionReplicas } from './ingestion-replicas.ts';
import { type LoadGenerator, pickLoadGenerator } from './load.ts';
import { runMatrix } from './load-matrix.ts';
import { parseOptions } from './options.ts';
import { runApplyPhase } from './phases-apply.ts';
import { runCachePhase } from './phases-cache.ts';
import { runConfigPhases } from './phases-config.ts';
import { runProbes } from './phases-probes.ts';
import { loadAverage, memoryMb, settledRssMb } from './proc-stats.ts';
import { buildDist, ROOT, startGateway, startUpstream } from './processes.ts';
import { profileGateway } from './profile.ts';
import { dropRedisKeys } from './redis-cleanup.ts';
import { type BenchReport, evaluateGoals, formatReport } from './report.ts';
import { BENCH_SECRET_KEY, benchSnapshot } from './snapshot.ts';
import { runSoak } from './soak.ts';

const options = parseOptions(process.argv.slice(2));
const resultsDir = path.join(ROOT, 'bench/results');
const scratchDir = path.join(resultsDir, 'tmp');
mkdirSync(scratchDir, { recursive: true });
const log = (line: string) => console.log(line);
const started = new Date();
const loadAverageAtStart = loadAverage();
if (loadAverageAtStart > 0.5)
  log(`note: load average is ${loadAverageAtStart} before starting: other work on this machine will add noise (see "other cores").`);

const generator: LoadGenerator = pickLoadGenerator(options.loader);
if (generator === 'node' && options.loader === 'node') {
  log('using the built-in Node load generator (--loader node); it saturates sooner than wrk.');
} else if (generator === 'node') {
  log('!!! wrk is not installed: falling back to the built-in Node load generator, which saturates sooner.');
  log('!!! For comparable figures install it: `sudo apt-get install wrk` (Debian/Ubuntu).');
}

buildDist();
const upstream = await startUpstream({ latencyMs: options.upstreamLatencyMs, chunkMs: options.upstreamChunkMs });
const snapshotShape = { upstreamBaseUrl: `http://127.0.0.1:${upstream.port}/v1`, keys: options.keys, models: options.models, teams: 500 };
const bench = benchSnapshot({ ...snapshotShape, version: 1 });
const snapshotFile = path.join(scratchDir, 'snapshot-1.json');
writeFileSync(snapshotFile, bench.json);
const busPrefix = `tollgate-bench-${randomBytes(4).toString('hex')}`;
const gatewayConfig = { snapshotFile, secretKey: BENCH_SECRET_KEY, redisUrl: options.redisUrl, busPrefix };
const gateway = await startGateway(gatewayConfig);
log(`gateway pid ${gateway.pid} on :${gateway.port} (bus: ${gateway.bus}), upstream pid ${upstream.pid} on :${upstream.port}, load generator: ${generator}`);

const features = {
  keys: String(bench.contents.keys),
  models: String(bench.contents.models),
  'limits in snapshot': String(bench.contents.limits),
  'budgets in snapshot': String(bench.contents.budgets),
  // What this build enforces (data-plane/money): rate limits, budgets and credits on every request.
  'limits enforced': existsSync(path.join(ROOT, 'data-plane/money')) ? 'yes' : 'no (not in this build)',
  'budgets enforced': existsSync(path.join(ROOT, 'data-plane/money')) ? 'yes' : 'no (not in this build)',
  'usage metering': gateway.bus === 'redis' ? 'on (Redis stream)' : 'on (in-process bus, drained in the gateway)',
  'upstream latency ms': String(options.upstreamLatencyMs),
};

let report: BenchReport;
try {
  const phase = (name: string) => !options.skip.has(name) && (log(`\n${name}...`), true);
  const matrix = phase('load') ? await runMatrix({ generator, scratchDir, upstream, gateway }, bench, options.concurrencies, options.seconds, log) : [];
  const heap = await gateway.request<{ mainHeapBytes: number; mainHeapUsedBytes: number }>({ type: 'memory' }, 'memory');
  const gatewayRss = {
    ...memoryMb(gateway.pid),
    heapCommittedMb: heap.mainHeapBytes / 1048576,
    heapUsedMb: heap.mainHeapUsedBytes / 1048576,
    settled: await settledRssMb(gateway.pid),
  };
  const embedded = phase('embedded')
    ? await runEmbeddedPhase({
        generator,
        scratchDir,
        upstream,
        snapshotShape,
        secretKey: BENCH_SECRET_KEY,
        concurrencies: options.concurrencies,
        seconds: options.seconds,
        matrix,
        log,
      })
    : null;
  const cacheHits = phase('cache')
    ? await runCachePhase({
        generator,
        scratchDir,
        upstream,
        bench,
        secretKey: BENCH_SECRET_KEY,
        redisUrl: options.redisUrl,
        concurrencies: options.concurrencies,
        seconds: options.seconds,
        log,
      })
    : null;
  const probes = phase('probes') ? await runProbes(gateway.port, upstream.port, bench, options.quick ? 300 : 2000) : null;
  const apply = phase('apply')
    ? await runApplyPhase(
        gateway,
        snapshotShape,
        bench,
        scratchDir,
        options.quick ? 1 : 3,
        options.redisUrl ? { url: options.redisUrl, prefix: busPrefix } : null,
      )
    : null;
  const soak = options.soak
    ? (log('\nsoak...'), await runSoak({ generator, scratchDir, port: gateway.port, pid: gateway.pid, bench, minutes: options.soakMinutes, log }))
    : null;
  const wantConfig = !options.skip.has('propagation') || !options.skip.has('ingestion');
  if (wantConfig)
    log(`\nconfig propagation and usage ingestion (${options.redisUrl ? 'Redis: three data plane processes' : 'no REDIS_URL: one in-process data plane'})...`);
  const config = wantConfig
    ? await runConfigPhases({
        redisUrl: options.redisUrl,
        databaseUrl: process.env.DATABASE_URL || undefined,
        secretKey: BENCH_SECRET_KEY,
        busPrefix,
        keys: options.keys,
        mutations: options.mutations,
        // Long enough to be a rate and not the first batch's latency (20,000 events/s: 1 s).
        ingestEvents: options.quick ? 5000 : 20_000,
        skipPropagation: options.skip.has('propagation'),
        skipIngestion: options.skip.has('ingestion'),
        log,
      })
    : { propagation: null, ingestion: null };
  const databaseUrl = process.env.DATABASE_URL || undefined;
  let ingestionReplicas: ReplicaIngestionResult | null = null;
  if (phase('replicas')) {
    if (options.redisUrl && databaseUrl) {
      log('usage ingestion by one, then two, control planes draining one pre-filled stream (Redis -> PostgreSQL)...');
      ingestionReplicas = await runIngestionReplicas({
        redisUrl: options.redisUrl,
        databaseUrl,
        secretKey: BENCH_SECRET_KEY,
        events: options.quick ? 10_000 : 40_000,
        log,
      });
    } else log('replicas phase skipped: it needs REDIS_URL and DATABASE_URL (two control planes share one stream and one database).');
  }
  const partial = {
    startedAt: started.toISOString(),
    machine: { cpus: os.cpus().length, loadAverageAtStart, node: process.version },
    options: { ...options, skip: [...options.skip] },
    loadGenerator: generator === 'wrk' ? 'wrk (-t1)' : `built-in node loader (${options.loader === 'node' ? '--loader node' : 'wrk missing'})`,
    features,
    matrix,
    gatewayRss,
    cacheHits,
    probes,
    apply,
    soak,
    ...config,
    ingestionReplicas,
  };
  report = { ...partial, goals: evaluateGoals(partial) };
  if (embedded) (report as BenchReport & { embedded?: object }).embedded = embedded;
  if (options.profile) {
    for (const mode of ['plain', 'stream'] as const) {
      const profile = await profileGateway({ generator, scratchDir, resultsDir, gatewayConfig, bench, mode, seconds: options.seconds, root: ROOT });
      log(`\n${mode}, c=64: ${profile.text}\n  (${path.relative(ROOT, profile.file)})`);
      (report as BenchReport & { profiles?: object })['profiles'] = { ...((report as { profiles?: object }).profiles ?? {}), [mode]: profile.summary };
    }
  }
} finally {
  await gateway.stop();
  await upstream.stop();
  // The gateway's and the config phases' keys (`<busPrefix>:` and `<busPrefix>-cp:`).
  if (options.redisUrl) await dropRedisKeys(options.redisUrl, `${busPrefix}*`);
}

log(formatReport(report));
const stamp = started.toISOString().replace(/[:.]/g, '-');
const json = JSON.stringify(report, null, 2);
writeFileSync(path.join(resultsDir, `bench-${stamp}.json`), json);
writeFileSync(path.join(resultsDir, 'latest.json'), json);
log(`\nwrote bench/results/bench-${stamp}.json in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
