import type { ReplicaIngestionResult } from './ingestion-replicas.ts';
import type { MatrixRow } from './load-matrix.ts';
import type { ApplyResult } from './phases-apply.ts';
import type { CacheHitRow } from './phases-cache.ts';
import type { IngestionResult, PropagationResult } from './phases-config.ts';
import type { ProbeResult } from './phases-probes.ts';

export interface SoakResult {
  minutes: number;
  /** RSS after the first minute (the heap's warm-up), where the slope starts. */
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  /** RSS samples (MB) every 10 seconds. */
  samples: number[];
  /** Least-squares slope of the samples from the first minute on, MB per minute. */
  slopeMbPerMinute: number;
  rps: number;
}

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; loadAverageAtStart: number; node: string };
  options: Record<string, unknown>;
  loadGenerator: string;
  /** What the snapshot turned on, and what this build of the data plane enforces. */
  features: Record<string, string>;
  matrix: MatrixRow[];
  /**
   * At the matrix's last request, with the main thread's V8 heap (committed, used): the rest of
   * the RSS is native (buffers, code, malloc). `settled`: once it stopped moving after the load
   * (bench/proc-stats.ts settledRssMb), the gateway having returned memory when quiet
   * (shared/runtime/idle-memory-return.ts).
   */
  gatewayRss: { rssMb: number; peakRssMb: number; heapCommittedMb: number; heapUsedMb: number; settled: { rssMb: number; seconds: number } };
  /** Every request a response-cache hit (a gateway of its own with the cache on for every plan). */
  cacheHits: CacheHitRow[] | null;
  probes: ProbeResult | null;
  apply: ApplyResult | null;
  propagation: PropagationResult | null;
  ingestion: IngestionResult | null;
  /** One and two control planes draining one pre-filled usage stream into PostgreSQL (issue 17). */
  ingestionReplicas: ReplicaIngestionResult | null;
  soak: SoakResult | null;
  goals: Goal[];
}

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

const f = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));

export function evaluateGoals(r: Omit<BenchReport, 'goals'>): Goal[] {
  const row = (mode: string, c: number) => r.matrix.find((m) => m.mode === mode && m.connections === c);
  const c16 = row('plain', 16);
  const c1 = row('plain', 1);
  const c64 = row('plain', 64);
  const goals: Goal[] = [];
  const add = (goal: string, target: string, value: number | undefined, limit: number, unit: string, digits = 2) =>
    goals.push({
      goal,
      target: `<= ${limit} ${unit}`,
      measured: value === undefined ? 'not measured' : `${f(value, digits)} ${unit}`,
      met: value === undefined ? null : value <= limit,
    });
  // The targets of issues 12 and 13 (docs/performance.md).
  const s64 = row('stream', 64);
  add('added latency p99, c=16 (non-streamed)', '', c16?.addedP99Ms, 3, 'ms');
  add('added latency p50, c=1 (non-streamed)', '', c1?.addedP50Ms, 0.3, 'ms');
  add('gateway CPU per non-streamed request at saturation (c=64)', '', c64?.gatewayCpuMicrosPerRequest, 100, 'us', 0);
  add('gateway CPU per streamed request (20 chunks) at saturation (c=64)', '', s64?.gatewayCpuMicrosPerRequest, 200, 'us', 0);
  if (c64) {
    goals.push({
      goal: 'throughput, plain c=64, as a share of direct',
      target: '>= 0.10',
      measured: f(c64.throughputRatio, 3),
      met: c64.throughputRatio >= 0.1,
    });
  }
  // Under a soak, its highest sample; otherwise settled after the matrix (the figure at the last
  // request is printed beside it).
  add('gateway RSS with 10,000 keys (after load, settled)', '', r.soak ? r.soak.rssMaxMb : r.gatewayRss.settled.rssMb, 150, 'MB', 0);
  if (r.soak) {
    goals.push({
      goal: `RSS flat over a ${r.soak.minutes}-minute soak`,
      target: 'slope from minute 1 adds at most 10 % over the run',
      measured: `${f(r.soak.slopeMbPerMinute, 2)} MB/min (${f(r.soak.rssStartMb, 0)} MB at minute 1 -> ${f(r.soak.rssEndMb, 0)} MB)`,
      met: r.soak.slopeMbPerMinute * (r.soak.minutes - 1) <= r.soak.rssStartMb * 0.1,
    });
  } else {
    goals.push({ goal: 'RSS flat over 10 minutes', target: 'run --soak', measured: 'not run', met: null });
  }
  add(`config propagation p99 (${r.propagation?.dataPlanes ?? '?'} data planes, ${r.propagation?.topology ?? '?'})`, '', r.propagation?.p99Ms, 50, 'ms', 1);
  // The gateway's longest event-loop block while applying: the longest any request waited because
  // of the apply. The slowest request also holds its own time and the machine's noise (printed
  // with the second before the apply, under the same load).
  add('longest request stall during a 10,000-key snapshot apply (event loop blocked)', '', r.apply?.maxLoopBlockMs, 5, 'ms', 1);
  add('the mutation itself, p50', '', r.propagation?.mutationP50Ms, 20, 'ms', 1);
  if (r.ingestion) {
    const floor = r.ingestion.database === 'postgres' ? 20_000 : 5_000;
    goals.push({
      goal: `usage ingestion into ${r.ingestion.database === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
      target: `>= ${floor} events/s`,
      measured: `${f(r.ingestion.eventsPerSecond, 0)} events/s`,
      met: r.ingestion.eventsPerSecond >= floor,
    });
  }
  if (r.ingestionReplicas) {
    goals.push({
      goal: 'usage ingestion, two control planes over one (same stream, same PostgreSQL)',
      target: '>= 1.7x',
      measured: `${f(r.ingestionReplicas.ratio, 2)}x`,
      met: r.ingestionReplicas.ratio >= 1.7,
    });
  }
  if (r.probes) {
    const diff = Math.abs(r.probes.headerP50Ms - r.probes.outsideAddedP50Ms);
    goals.push({
      goal: 'x-tollgate-overhead-ms agrees with the outside measurement (c=1, p50)',
      target: 'within 0.25 ms',
      measured: `header ${f(r.probes.headerP50Ms, 3)} ms vs outside ${f(r.probes.outsideAddedP50Ms, 3)} ms`,
      met: diff <= 0.25,
    });
  }
  return goals;
}

export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  out.push('');
  out.push(
    `Tollgate bench, ${r.startedAt}: ${r.machine.cpus} cores, load average at start ${r.machine.loadAverageAtStart}, node ${r.machine.node}, load generator ${r.loadGenerator}`,
  );
  out.push(
    `features: ${Object.entries(r.features)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  out.push('');
  out.push('mode    conc | direct rps  p50 ms  p99 ms | gateway rps  p50 ms  p99 ms | added p50  added p99 | ratio | gw CPU us/req | gw RSS MB | other cores');
  for (const m of r.matrix) {
    out.push(
      `${m.mode.padEnd(7)} ${String(m.connections).padStart(4)} | ${f(m.direct.rps, 0).padStart(10)} ${f(m.direct.p50Ms, 3).padStart(7)} ${f(m.direct.p99Ms, 3).padStart(7)} | ` +
        `${f(m.gateway.rps, 0).padStart(11)} ${f(m.gateway.p50Ms, 3).padStart(7)} ${f(m.gateway.p99Ms, 3).padStart(7)} | ${f(m.addedP50Ms, 3).padStart(9)} ${f(m.addedP99Ms, 3).padStart(10)} | ` +
        `${f(m.throughputRatio, 2).padStart(5)} | ${f(m.gatewayCpuMicrosPerRequest, 0).padStart(13)} | ${f(m.gatewayRssMb, 0).padStart(9)} | ${f(m.otherCores, 2).padStart(5)}` +
        (m.direct.errors + m.gateway.errors > 0 ? `  ERRORS ${m.direct.errors}/${m.gateway.errors}` : ''),
    );
  }
  for (const c of r.cacheHits ?? []) {
    out.push(
      `cache-hit ${String(c.connections).padStart(4)} | ${f(c.direct.rps, 0).padStart(10)} ${f(c.direct.p50Ms, 3).padStart(7)} ${f(c.direct.p99Ms, 3).padStart(7)} | ` +
        `${f(c.gateway.rps, 0).padStart(11)} ${f(c.gateway.p50Ms, 3).padStart(7)} ${f(c.gateway.p99Ms, 3).padStart(7)} | ${f(c.gateway.p50Ms - c.direct.p50Ms, 3).padStart(9)} ${f(c.gateway.p99Ms - c.direct.p99Ms, 3).padStart(10)} | ` +
        `${f(c.throughputRatio, 2).padStart(5)} | ${f(c.gatewayCpuMicrosPerHit, 0).padStart(13)} | upstream ${f(c.upstreamCpuMicrosPerGatewayRequest, 1)} us/req` +
        (c.direct.errors + c.gateway.errors > 0 ? `  ERRORS ${c.direct.errors}/${c.gateway.errors}` : ''),
    );
  }
  out.push(
    `gateway RSS at the last request ${f(r.gatewayRss.rssMb, 0)} MB (peak ${f(r.gatewayRss.peakRssMb, 0)} MB; V8 heap ${f(r.gatewayRss.heapCommittedMb, 0)} MB committed, ${f(r.gatewayRss.heapUsedMb, 0)} MB used); settled ${f(r.gatewayRss.settled.rssMb, 0)} MB after ${r.gatewayRss.settled.seconds} s`,
  );
  if (r.probes) {
    const p = r.probes;
    out.push(
      `sequential probe (${p.samples} each): added p50 ${f(p.outsideAddedP50Ms, 3)} ms from outside; x-tollgate-overhead-ms p50 ${f(p.headerP50Ms, 3)} ms, p99 ${f(p.headerP99Ms, 3)} ms`,
    );
    out.push(
      `streaming TTFB: direct p50 ${f(p.ttfbDirectP50Ms, 3)} ms, gateway p50 ${f(p.ttfbGatewayP50Ms, 3)} ms: overhead p50 ${f(p.ttfbOverheadP50Ms, 3)} ms, p99 ${f(p.ttfbOverheadP99Ms, 3)} ms`,
    );
  }
  if (r.apply) {
    const a = r.apply;
    out.push(
      `snapshot apply (${(a.snapshotBytes / 1e6).toFixed(1)} MB, ${a.applies}x under load): ${f(a.applyMsMean, 1)} ms mean, ${f(a.applyMsMax, 1)} ms max; loop blocked up to ${f(a.maxLoopBlockMs, 1)} ms (${f(a.controlLoopBlockMs, 1)} ms in the second before); slowest request ${f(a.slowestRequestMs, 1)} ms (${f(a.controlSlowestRequestMs, 1)} ms in the second before, p99 before: ${f(a.baselineP99Ms, 2)} ms)`,
    );
  }
  if (r.propagation) {
    const p = r.propagation;
    out.push(
      `config propagation (${p.dataPlanes} data planes, ${p.topology}, ${p.keysInDatabase} keys, ${p.mutations} mutations after ${p.warmUpMutations ?? 0} warm-up): p50 ${f(p.p50Ms, 1)} ms, p99 ${f(p.p99Ms, 1)} ms, max ${f(p.maxMs, 1)} ms; mutation p50 ${f(p.mutationP50Ms, 1)} ms, control plane CPU ${f(p.controlPlaneCpuMsPerMutation, 1)} ms per mutation; answer -> every plane serving p50 ${f(p.dataPlaneHopP50Ms, 1)} ms, p99 ${f(p.dataPlaneHopP99Ms, 1)} ms`,
    );
  }
  if (r.ingestion) {
    const i = r.ingestion;
    out.push(`usage ingestion (${i.bus} bus -> ${i.database}): ${i.events} events in ${f(i.totalMs, 0)} ms = ${f(i.eventsPerSecond, 0)} events/s`);
  }
  if (r.ingestionReplicas) {
    const { one, two, ratio } = r.ingestionReplicas;
    out.push(
      `usage ingestion by replicas (Redis -> PostgreSQL, ${one.events} pre-filled events): 1 control plane ${f(one.eventsPerSecond, 0)} events/s (${f(one.cpuMicrosPerEvent, 0)} + ${f(one.databaseCpuMicrosPerEvent, 0)} us CPU/event, control plane + PostgreSQL), 2 control planes ${f(two.eventsPerSecond, 0)} events/s (${f(two.cpuMicrosPerEvent, 0)} + ${f(two.databaseCpuMicrosPerEvent, 0)} us): ${f(ratio, 2)}x`,
    );
  }
  if (r.soak)
    out.push(
      `soak ${r.soak.minutes} min at c=64: ${f(r.soak.rps, 0)} rps, RSS ${f(r.soak.rssStartMb, 0)} MB at minute 1 -> ${f(r.soak.rssEndMb, 0)} MB (max ${f(r.soak.rssMaxMb, 0)}), slope ${f(r.soak.slopeMbPerMinute, 2)} MB/min`,
    );
  out.push('');
  out.push('goals:');
  for (const g of r.goals) out.push(`  [${g.met === null ? ' ? ' : g.met ? 'met' : 'NOT'}] ${g.goal}: ${g.measured} (target ${g.target})`);
  return out.join('\n');
}
