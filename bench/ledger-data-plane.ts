import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LoadResult, runLoad } from './load.ts';
import { CHAT_PATH, gatewayVariants } from './load-matrix.ts';
import { buildDist, startGateway, startUpstream } from './processes.ts';
import { BENCH_SECRET_KEY, benchSnapshot } from './snapshot.ts';

/** wrk connections for the paced load: enough that slow answers (a loaded machine) do not starve the rate. */
const CONNECTIONS = 128;
/** What an answer takes on this machine under load, roughly: subtracted from the pacing delay. */
const ANSWER_MS = 3;

export interface ServingDataPlane {
  /** The teams its snapshot holds (the events' teamId). */
  teamIds: string[];
  /** Serves about `rps` chat completions per second for `seconds` (wrk, paced). */
  serve(rps: number, seconds: number): Promise<LoadResult>;
  stop(): Promise<void>;
}

/**
 * For the lag phase: the real data plane (bench/gateway-child.ts, built into dist/) on Redis
 * under `busPrefix`, with money on Redis, in front of the fake upstream, so the usage events
 * whose lag is measured are the ones a data plane serving requests publishes, and its CPU
 * competes with the consumer's as it would on one machine. `teams` teams, 4 keys each.
 */
export async function startServingDataPlane(redisUrl: string, busPrefix: string, teams: number): Promise<ServingDataPlane> {
  buildDist();
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'tollgate-ledger-lag-'));
  const upstream = await startUpstream({ latencyMs: 0, chunkMs: 0 });
  const bench = benchSnapshot({ version: 1, upstreamBaseUrl: `http://127.0.0.1:${upstream.port}/v1`, keys: teams * 4, models: 200, teams });
  const snapshotFile = path.join(scratchDir, 'snapshot-1.json');
  writeFileSync(snapshotFile, bench.json);
  const gateway = await startGateway({ snapshotFile, secretKey: BENCH_SECRET_KEY, redisUrl, busPrefix });
  const variants = gatewayVariants(bench, 'plain');
  return {
    teamIds: bench.snapshot.teams.map((t) => t.id),
    serve: (rps, seconds) =>
      runLoad(
        'wrk',
        { port: gateway.port, path: CHAT_PATH, variants, connections: CONNECTIONS, seconds, delayMs: Math.max(0, (CONNECTIONS * 1000) / rps - ANSWER_MS) },
        scratchDir,
      ),
    async stop() {
      await gateway.stop();
      await upstream.stop();
      rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}
