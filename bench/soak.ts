import { type LoadGenerator, runLoad } from './load.ts';
import { CHAT_PATH, gatewayVariants } from './load-matrix.ts';
import { memoryMb } from './proc-stats.ts';
import type { SoakResult } from './report.ts';
import type { BenchSnapshot } from './snapshot.ts';

/** Concurrency 64, non-streamed, for `minutes`, in 10-second runs with the gateway's RSS after each. */
export async function runSoak(args: {
  generator: LoadGenerator;
  scratchDir: string;
  port: number;
  pid: number;
  bench: BenchSnapshot;
  minutes: number;
  log: (line: string) => void;
}): Promise<SoakResult> {
  const variants = gatewayVariants(args.bench, 'plain');
  const samples: number[] = [memoryMb(args.pid).rssMb];
  let requests = 0;
  let seconds = 0;
  const rounds = Math.max(1, Math.round((args.minutes * 60) / 10));
  for (let i = 0; i < rounds; i++) {
    const result = await runLoad(args.generator, { port: args.port, path: CHAT_PATH, variants, connections: 64, seconds: 10 }, args.scratchDir);
    requests += result.requests;
    seconds += result.seconds;
    samples.push(memoryMb(args.pid).rssMb);
    if (i % 6 === 5) args.log(`  soak ${((i + 1) / 6).toFixed(0)} min: RSS ${samples.at(-1)!.toFixed(0)} MB, ${(result.rps).toFixed(0)} rps`);
  }
  return {
    minutes: args.minutes,
    rssStartMb: samples[1] ?? samples[0],
    rssEndMb: samples.at(-1)!,
    rssMaxMb: Math.max(...samples),
    samples,
    rps: requests / seconds,
  };
}
