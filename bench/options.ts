/** Command-line options of `npm run bench -- [options]`. */
export interface BenchOptions {
  quick: boolean;
  soak: boolean;
  profile: boolean;
  /** Seconds per load run. */
  seconds: number;
  soakMinutes: number;
  concurrencies: number[];
  loader?: 'wrk' | 'node';
  upstreamLatencyMs: number;
  upstreamChunkMs: number;
  keys: number;
  /** Measured mutations of the propagation phase. */
  mutations: number;
  models: number;
  skip: Set<string>;
  redisUrl?: string;
}

export const USAGE = `npm run bench -- [options]
  --quick                 one-minute smoke run (short runs, fewer samples)
  --soak                  add a 10-minute run at concurrency 64 watching RSS (--soak-minutes N)
  --profile               also run the gateway under --cpu-prof and summarise self time
  --seconds N             seconds per load run (default 10, quick 3)
  --concurrency 1,16,64   connection counts
  --loader wrk|node       force a load generator (default: wrk if installed, else node)
  --upstream-latency-ms N fixed upstream latency before the response head (default 0)
  --upstream-chunk-ms N   delay between upstream SSE frames (default 0: one write)
  --skip a,b              phases to skip: load, embedded, cache, probes, apply, propagation, ingestion, replicas
  --mutations N           measured config mutations in the propagation phase (default 10, quick 3; after 3 warm-up ones)
                        (replicas: one, then two, control planes draining one pre-filled usage stream;
                         needs REDIS_URL and DATABASE_URL)
                        (embedded: the npm start wiring, control plane + PGlite in a worker, beside the data plane)
Environment: REDIS_URL puts the gateways on Redis (usage events, snapshots, three data planes for
propagation); DATABASE_URL stores usage in PostgreSQL (a throwaway schema) instead of PGlite.`;

export function parseOptions(argv: string[]): BenchOptions {
  const has = (flag: string) => argv.includes(flag);
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  if (has('--help') || has('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = has('--quick');
  const loader = value('--loader');
  if (loader !== undefined && loader !== 'wrk' && loader !== 'node') throw new Error(`--loader must be wrk or node`);
  return {
    quick,
    soak: has('--soak'),
    profile: has('--profile'),
    seconds: Number(value('--seconds') ?? (quick ? 3 : 10)),
    soakMinutes: Number(value('--soak-minutes') ?? 10),
    concurrencies: (value('--concurrency') ?? '1,16,64').split(',').map(Number),
    loader,
    upstreamLatencyMs: Number(value('--upstream-latency-ms') ?? 0),
    upstreamChunkMs: Number(value('--upstream-chunk-ms') ?? 0),
    keys: Number(value('--keys') ?? 10_000),
    mutations: Number(value('--mutations') ?? (quick ? 3 : 10)),
    models: Number(value('--models') ?? 200),
    skip: new Set((value('--skip') ?? '').split(',').filter(Boolean)),
    redisUrl: process.env.REDIS_URL || undefined,
  };
}
