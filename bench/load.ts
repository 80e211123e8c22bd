import { execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, TSX, waitForMessage } from './processes.ts';

/** One HTTP request shape; a run cycles through several (different keys and models). */
export interface RequestVariant {
  headers: Record<string, string>;
  body: string;
}

export interface LoadSpec {
  port: number;
  path: string;
  variants: RequestVariant[];
  connections: number;
  seconds: number;
  /**
   * Open-loop pacing (wrk only): each connection waits this long after an answer before its next
   * request, so the rate is about connections x 1000 / (delay + latency) per second.
   */
  delayMs?: number;
}

/** What one fixed-time, closed-loop run measured, latencies in milliseconds. */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
}

export type LoadGenerator = 'wrk' | 'node';

/** wrk when it is installed (Debian: `apt-get install wrk`), otherwise the bench's own Node loader. */
export function pickLoadGenerator(forced?: string): LoadGenerator {
  if (forced === 'node') return 'node';
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return 'wrk';
  } catch (error) {
    // wrk --version exits 1 even when it runs; only a missing binary is ENOENT.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return 'wrk';
    if (forced === 'wrk') throw new Error('wrk is not installed: `apt-get install wrk` (Debian/Ubuntu), or run with --loader node');
    return 'node';
  }
}

export function runLoad(generator: LoadGenerator, spec: LoadSpec, scratchDir: string): Promise<LoadResult> {
  return generator === 'wrk' ? runWrk(spec, scratchDir) : runNodeLoad(spec);
}

const luaString = (value: string) => {
  if (value.includes(']==]')) throw new Error('request text cannot be embedded in Lua');
  return `[==[${value}]==]`;
};

/**
 * wrk with a Lua script: requests are pre-formatted once per variant in init() and cycled, so the
 * script costs nothing per request; done() prints the summary and latency percentiles (wrk records
 * latency in microseconds, with coordinated omission corrected by its closed loop).
 */
async function runWrk(spec: LoadSpec, scratchDir: string): Promise<LoadResult> {
  mkdirSync(scratchDir, { recursive: true });
  const variants = spec.variants
    .map((v) => {
      const headers = Object.entries(v.headers)
        .map(([k, val]) => `[ ${luaString(k)} ] = ${luaString(val)}`)
        .join(', ');
      return `  wrk.format("POST", ${luaString(spec.path)}, {${headers}}, ${luaString(v.body)}),`;
    })
    .join('\n');
  const script = `
local reqs
local i = 0
function init(args)
  reqs = {
${variants}
  }
end
function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
${
  spec.delayMs
    ? `function delay()
  return ${Math.round(spec.delayMs)}
end`
    : ''
}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %d %d %d %d %d %d %d %d %d %d %d %.3f\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;
  const scriptPath = path.join(scratchDir, `wrk-${process.pid}.lua`);
  writeFileSync(scriptPath, script);
  // One thread: two cores are shared with the gateway and the upstream, and one wrk thread
  // outpaces either of them here.
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '--timeout', '10s', '-s', scriptPath, `http://127.0.0.1:${spec.port}${spec.path}`];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const [code] = await once(child, 'exit');
  const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT'));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}):\n${out}`);
  const n = line.split(' ').slice(1).map(Number);
  const [requests, durationUs, connect, read, write, status, timeout, p50, p90, p99, max, mean] = n;
  const seconds = durationUs / 1e6;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50Ms: p50 / 1000,
    p90Ms: p90 / 1000,
    p99Ms: p99 / 1000,
    maxMs: max / 1000,
    meanMs: mean / 1000,
    errors: connect + read + write + status + timeout,
  };
}

/** The fallback when wrk is missing: bench/node-load.ts in its own process. Less efficient than wrk. */
async function runNodeLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(path.join(ROOT, 'bench/node-load.ts'), [], { cwd: ROOT, execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = waitForMessage<{ result: LoadResult }>(child, 'result', (spec.seconds + 60) * 1000);
  child.send({ type: 'run', spec });
  const { result: r } = await result;
  await once(child, 'exit');
  return r;
}
