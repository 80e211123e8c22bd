/**
 * A closed-loop load generator in Node, used only when wrk is not installed. Runs in its own
 * process: `connections` loops, each sending its next request when the previous answer ended.
 * It is slower than wrk (it saturates sooner), which the report says when it is used.
 */
import { createHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { LoadResult, LoadSpec } from './load.ts';

process.once('message', async (message: { type: 'run'; spec: LoadSpec }) => {
  const { spec } = message;
  const pool = new Pool(`http://127.0.0.1:${spec.port}`, { connections: spec.connections, pipelining: 1 });
  const histogram = createHistogram();
  let requests = 0;
  let errors = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(spec.seconds * 1e9));
  async function loop(): Promise<void> {
    while (process.hrtime.bigint() < deadline) {
      const variant = spec.variants[next++ % spec.variants.length];
      const t0 = process.hrtime.bigint();
      try {
        const response = await pool.request({ method: 'POST', path: spec.path, headers: variant.headers, body: variant.body });
        await response.body.dump({ limit: Infinity });
        if (response.statusCode >= 300) errors++;
      } catch {
        errors++;
      }
      histogram.record(Number((process.hrtime.bigint() - t0) / 1000n) || 1);
      requests++;
    }
  }
  await Promise.all(Array.from({ length: spec.connections }, loop));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  const ms = (us: number) => us / 1000;
  const result: LoadResult = {
    requests,
    seconds,
    rps: requests / seconds,
    p50Ms: ms(histogram.percentile(50)),
    p90Ms: ms(histogram.percentile(90)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max),
    meanMs: ms(histogram.mean),
    errors,
  };
  process.send!({ type: 'result', result }, () => process.exit(0));
});
