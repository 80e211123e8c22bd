import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type LoadGenerator, runLoad } from './load.ts';
import { CHAT_PATH, gatewayVariants, type Mode } from './load-matrix.ts';
import { startGateway } from './processes.ts';
import { formatProfile, type ProfileSummary, summariseProfile } from './profile-summary.ts';
import type { BenchSnapshot } from './snapshot.ts';

/**
 * A second gateway, warmed up, then V8's sampling profiler (the one behind `node --cpu-prof`, here
 * via node:inspector so only the steady state is sampled) while it is driven at concurrency 64
 * (saturation); summarised as self time by function and by area. The .cpuprofile file stays in
 * bench/results/profiles for Chrome DevTools or speedscope.
 */
export async function profileGateway(args: {
  generator: LoadGenerator;
  scratchDir: string;
  resultsDir: string;
  gatewayConfig: object;
  bench: BenchSnapshot;
  mode: Mode;
  seconds: number;
  root: string;
}): Promise<{ file: string; summary: ProfileSummary; text: string }> {
  const dir = path.join(args.resultsDir, 'profiles', args.mode);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const gateway = await startGateway(args.gatewayConfig);
  const file = path.join(dir, `gateway-${args.mode}.cpuprofile`);
  const variants = gatewayVariants(args.bench, args.mode);
  try {
    // Warm up first, so the profile shows the steady state rather than start-up and JIT.
    await runLoad(args.generator, { port: gateway.port, path: CHAT_PATH, variants, connections: 16, seconds: 2 }, args.scratchDir);
    await gateway.request({ type: 'profile-start' }, 'profiling');
    await runLoad(args.generator, { port: gateway.port, path: CHAT_PATH, variants, connections: 64, seconds: args.seconds }, args.scratchDir);
    await gateway.request({ type: 'profile-stop', file }, 'profiled');
  } finally {
    await gateway.stop();
  }
  const summary = summariseProfile(file, args.root);
  return { file, summary, text: formatProfile(summary) };
}
