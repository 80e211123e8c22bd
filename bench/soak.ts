import { type LoadGenerator, runLoad } from './load.ts';
import { CHAT_PATH, gatewayVariants } from './load-matrix.ts';
import { memoryMb } from './proc-stats.ts';
import type { SoakResult } from './report.ts';
import type { BenchSnapshot } from './snapshot.ts';

/** Samples per minute (one after each 10-second run). */
const PER_MINUTE = 6;

/**
 * Concurrency 64, non-streamed, for `minutes`, in 10-second runs with the gateway's RSS after each.
 * Flatness is judged from the first minute on: the heap grows to its working size in the first
 * seconds under load (young generation, code), which is not a leak; what follows is fitted with a
 * least-squares line, whose slope is reported.
 */
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
    if (i % PER_MINUTE === PER_MINUTE - 1)
      args.log(`  soak ${((i + 1) / PER_MINUTE).toFixed(0)} min: RSS ${samples.at(-1)!.toFixed(0)} MB, ${(result.rps).toFixed(0)} rps`);
  }
  // samples[k] was taken k * 10 s into the soak.
  const fromMinuteOne = samples.length > PER_MINUTE + 1 ? samples.slice(PER_MINUTE) : samples.slice(1);
  return {
    minutes: args.minutes,
    rssStartMb: fromMinuteOne[0] ?? samples[0]!,
    slopeMbPerMinute: slope(fromMinuteOne) * PER_MINUTE,
    rssEndMb: samples.at(-1)!,
    rssMaxMb: Math.max(...samples),
    samples,
    rps: requests / seconds,
  };
}

/** Least-squares slope of evenly spaced samples, per sample; 0 for fewer than two. */
function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}
