import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestVariant } from './load.ts';

/** One request timed from the client: whole answer, first body byte, and the gateway's own header. */
export interface Sample {
  startedAt: number;
  totalMs: number;
  /** Time to the first body byte (for SSE: the first frame). */
  ttfbMs: number;
  status: number;
  /** `x-tollgate-overhead-ms` when the answer carried it. */
  overheadHeaderMs: number | null;
}

/** Sends one request on a keep-alive agent and times it. */
export function timedRequest(agent: Agent, port: number, path: string, variant: RequestVariant): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let ttfb = -1;
    const req = request(
      { agent, host: '127.0.0.1', port, path, method: 'POST', headers: { ...variant.headers, 'content-length': Buffer.byteLength(variant.body) } },
      (res) => {
        res.on('data', () => {
          if (ttfb < 0) ttfb = performance.now() - startedAt;
        });
        res.on('end', () => {
          const header = res.headers['x-tollgate-overhead-ms'];
          resolve({
            startedAt,
            totalMs: performance.now() - startedAt,
            ttfbMs: ttfb < 0 ? performance.now() - startedAt : ttfb,
            status: res.statusCode ?? 0,
            overheadHeaderMs: typeof header === 'string' ? Number(header) : null,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(variant.body);
  });
}

/** `count` requests one after another (concurrency 1), after `warmup` unrecorded ones. */
export async function sequentialSamples(port: number, path: string, variants: RequestVariant[], count: number, warmup = 50): Promise<Sample[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < warmup + count; i++) {
      const sample = await timedRequest(agent, port, path, variants[i % variants.length]);
      if (sample.status !== 200) throw new Error(`probe got status ${sample.status}`);
      if (i >= warmup) samples.push(sample);
    }
  } finally {
    agent.destroy();
  }
  return samples;
}

/** Keeps `concurrency` request loops going until `stop()`; every sample is kept with its start time. */
export function backgroundSamples(port: number, path: string, variants: RequestVariant[], concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: Sample[] = [];
  let running = true;
  let next = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) samples.push(await timedRequest(agent, port, path, variants[next++ % variants.length]));
  });
  return {
    samples,
    async stop(): Promise<Sample[]> {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return samples;
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
