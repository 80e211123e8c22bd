/**
 * `npm run bench:heap`: bytes the gateway allocates per request, by function, measured with V8's
 * sampling heap profiler (objects reclaimed by minor and major collections included), so the figure
 * does not depend on the machine's load the way CPU time does. One gateway (REDIS_URL as for
 * `npm run bench`), warmed up, then sampled while it serves plain and streamed requests at
 * concurrency 16: exactly --requests N of each (default 800), every one
 * answered before sampling stops (a timed run's last requests are cut, and an aborted attempt costs
 * a token count the others do not). --top N (default 30) rows.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'undici';
import type { RequestVariant } from './load.ts';
import { runLoad as load, pickLoadGenerator } from './load.ts';
import { CHAT_PATH, gatewayVariants, type Mode } from './load-matrix.ts';
import { buildDist, ROOT, startGateway, startUpstream } from './processes.ts';
import { dropRedisKeys } from './redis-cleanup.ts';
import { BENCH_SECRET_KEY, benchSnapshot } from './snapshot.ts';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const requests = argument('--requests', 800);
const top = argument('--top', 30);
const redisUrl = process.env.REDIS_URL || undefined;
const resultsDir = path.join(ROOT, 'bench/results');
const scratchDir = path.join(resultsDir, 'tmp');
mkdirSync(path.join(resultsDir, 'profiles'), { recursive: true });
mkdirSync(scratchDir, { recursive: true });
const generator = pickLoadGenerator();

buildDist();
const upstream = await startUpstream({ latencyMs: 0, chunkMs: 0 });
const bench = benchSnapshot({ version: 1, upstreamBaseUrl: `http://127.0.0.1:${upstream.port}/v1`, keys: 10_000, models: 200, teams: 500 });
const snapshotFile = path.join(scratchDir, 'heap-snapshot-1.json');
writeFileSync(snapshotFile, bench.json);
const busPrefix = `tollgate-bench-${randomBytes(4).toString('hex')}`;
const gateway = await startGateway({ snapshotFile, secretKey: BENCH_SECRET_KEY, redisUrl, busPrefix });
try {
  for (const mode of ['plain', 'stream'] as Mode[]) {
    const variants = gatewayVariants(bench, mode);
    await load(generator, { port: gateway.port, path: CHAT_PATH, variants, connections: 16, seconds: 2 }, scratchDir);
    const file = path.join(resultsDir, 'profiles', `gateway-${mode}.heapprofile`);
    await gateway.request({ type: 'heap-start' }, 'heap-sampling');
    const errors = await exactly(requests, variants);
    await gateway.request({ type: 'heap-stop', file }, 'heap-sampled');
    console.log(`\n${mode}: ${requests} requests (${errors} errors)\n${summarise(file, requests)}\n  (${path.relative(ROOT, file)})`);
  }
} finally {
  await gateway.stop();
  await upstream.stop();
  if (redisUrl) await dropRedisKeys(redisUrl, `${busPrefix}*`);
}

/** `count` requests over 16 connections, each answered whole; resolves with the non-2xx count. */
async function exactly(count: number, variants: RequestVariant[]): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${gateway.port}`, { connections: 16 });
  let next = 0;
  let errors = 0;
  const loop = async () => {
    while (next < count) {
      const variant = variants[next++ % variants.length];
      const response = await pool.request({ method: 'POST', path: CHAT_PATH, headers: variant.headers, body: variant.body });
      await response.body.dump({ limit: Number.POSITIVE_INFINITY });
      if (response.statusCode >= 300) errors++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, loop));
  await pool.close();
  return errors;
}

/** Self bytes per request by function and by file, largest first. */
function summarise(file: string, requests: number): string {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  // A builtin (Array.prototype.map, Promise, JSON.parse: no url) is charged to the nearest script
  // function that called it, which is where the allocation can be avoided.
  const walk = (node: HeapNode, caller: { key: string; file: string } | null) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const own = url ? { key: `${functionName || '(anonymous)'}  ${shortUrl(url)}:${lineNumber + 1}`, file: shortUrl(url) } : null;
    const charged = own ?? caller ?? { key: `${functionName}  (native)`, file: '(native)' };
    byFunction.set(charged.key, (byFunction.get(charged.key) ?? 0) + node.selfSize);
    byFile.set(charged.file, (byFile.get(charged.file) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child, charged);
  };
  walk(head, null);
  const perRequest = (bytes: number) => `${(bytes / requests).toFixed(0).padStart(7)} B`;
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => `    ${perRequest(bytes)}  ${name}`);
  return [
    `  allocated per request: ${(total / requests).toFixed(0)} B`,
    '  by function (self, with the builtins it called):',
    ...rows(byFunction),
    '  by file:',
    ...rows(byFile),
  ].join('\n');
}

function shortUrl(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + '/node_modules/'.length);
  return file.startsWith(ROOT) ? path.relative(ROOT, file).replace(/^dist\//, '') : file;
}
