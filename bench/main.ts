/**
 * `npm run bench`: Tollgate's overhead, measured against the upstream it fronts, in one run.
 * See docs/performance.md for the method and today's figures; `npm run bench -- --help` for options.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type LoadGenerator, pickLoadGenerator } from './load.ts';
import { runMatrix } from './load-matrix.ts';
import { parseOptions } from './options.ts';
import { ROOT, startGateway, startUpstream } from './processes.ts';
import { memoryMb } from './proc-stats.ts';
import { BENCH_SECRET_KEY, benchSnapshot } from './snapshot.ts';

const options = parseOptions(process.argv.slice(2));
const resultsDir = path.join(ROOT, 'bench/results');
const scratchDir = path.join(resultsDir, 'tmp');
mkdirSync(scratchDir, { recursive: true });
const log = (line: string) => console.log(line);
const started = Date.now();

const generator: LoadGenerator = pickLoadGenerator(options.loader);
if (generator === 'node') {
  log('!!! wrk is not installed: falling back to the built-in Node load generator, which saturates sooner.');
  log('!!! For the published figures install it: `sudo apt-get install wrk` (Debian/Ubuntu).');
}

const upstream = await startUpstream({ latencyMs: options.upstreamLatencyMs, chunkMs: options.upstreamChunkMs });
const upstreamBaseUrl = `http://127.0.0.1:${upstream.port}/v1`;
const bench = benchSnapshot({ version: 1, upstreamBaseUrl, keys: options.keys, models: options.models, teams: 500 });
const snapshotFile = path.join(scratchDir, 'snapshot-1.json');
writeFileSync(snapshotFile, bench.json);
const busPrefix = `tollgate-bench-${randomBytes(4).toString('hex')}`;
const gateway = await startGateway({ snapshotFile, secretKey: BENCH_SECRET_KEY, redisUrl: options.redisUrl, busPrefix });
log(`gateway pid ${gateway.pid} on :${gateway.port} (bus: ${gateway.bus}), upstream pid ${upstream.pid} on :${upstream.port}, load: ${generator}`);

try {
  const matrix = options.skip.has('load') ? [] : await runMatrix({ generator, scratchDir, upstream, gateway }, bench, options.concurrencies, options.seconds, log);
  const memory = memoryMb(gateway.pid);
  writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify({ matrix, memory, cpus: os.cpus().length }, null, 2));
} finally {
  await gateway.stop();
  await upstream.stop();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
