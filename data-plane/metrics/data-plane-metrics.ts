import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { DEGRADED_MODES, type DegradedMode } from '../../shared/events/heartbeat.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { FinishedExchange } from '../http/exchange.ts';
import type { RequestObserver } from '../http/router.ts';
import type { SnapshotStatus } from '../snapshot/snapshot-store.ts';
import type { UsagePublisher } from '../usage/usage-publisher.ts';
import { BatchedHistogram, batchedCounter, batchedGauge, type HistogramCell, type Tally } from './batched-metrics.ts';

/** Seconds: from a fast mock (ms) to a long reasoning completion (minutes). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** What the metrics read at scrape time; each source stays the single owner of its state. */
export interface DataPlaneMetricsSources {
  snapshot(): SnapshotStatus;
  degraded(): readonly DegradedMode[];
  draining(): boolean;
  /** Deployment ids cooling down right now (routing/cooldown.ts); optional for tests. */
  cooling?(): readonly string[];
}

export interface DataPlaneMetrics {
  readonly registry: Registry;
  /** Counts every HTTP request by route, status and error code; tracks requests in flight. */
  readonly observer: RequestObserver;
  /** Wraps the usage publisher: every attempt is counted as it is handed to the bus. */
  instrumentUsage(publisher: UsagePublisher): UsagePublisher;
  /** The Prometheus text exposition. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * The data plane's Prometheus metrics, on a registry of its own (two planes in one process, or
 * several data planes in one test, never collide). Per-request work is a few counter increments;
 * everything that is state (snapshot, degraded modes) is read only when scraped.
 */
export function createDataPlaneMetrics(sources: DataPlaneMetricsSources, options: { defaultMetrics?: boolean } = {}): DataPlaneMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = batchedCounter({
    name: 'tollgate_http_requests_total',
    help: 'HTTP requests by route pattern, status (499: client left) and error code (empty on success).',
    labelNames: ['route', 'status', 'code'] as const,
    registers,
  });
  const httpDuration = new BatchedHistogram({
    name: 'tollgate_http_request_duration_seconds',
    help: 'Time from arrival to the end of the response, streams included.',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const inFlight = batchedGauge({ name: 'tollgate_requests_in_flight', help: 'HTTP requests being served.', labelNames: ['route'] as const, registers });
  const rateLimited = new Counter({
    name: 'tollgate_rate_limited_total',
    help: 'Requests refused by a rate limit (status 429, code other than a budget one).',
    registers,
  });
  const budgetRejected = new Counter({
    name: 'tollgate_budget_rejected_total',
    help: 'Requests refused because a hard budget or the prepaid credits are spent (429 insufficient_quota).',
    registers,
  });
  new Gauge({
    name: 'tollgate_deployments_cooling',
    help: 'Deployments skipped by routing right now, cooling down after failures or a 429 retry-after (1 per cooling deployment).',
    labelNames: ['deployment'] as const,
    registers,
    collect() {
      this.reset();
      for (const deployment of sources.cooling?.() ?? []) this.set({ deployment }, 1);
    },
  });

  // Team is never crossed with model: teams x models x statuses would grow one series per
  // combination ever seen (a measured 1 GB of RSS in the benchmark's 500 teams x 200 models).
  // Per-model series and per-team series add up instead of multiplying.
  const attempts = batchedCounter({
    name: 'tollgate_upstream_attempts_total',
    help: 'Upstream attempts by public model, provider, upstream status (0: no answer) and outcome.',
    labelNames: ['model', 'provider', 'status', 'outcome'] as const,
    registers,
  });
  const teamAttempts = batchedCounter({
    name: 'tollgate_team_upstream_attempts_total',
    help: 'Upstream attempts by team and outcome.',
    labelNames: ['team', 'outcome'] as const,
    registers,
  });
  const teamTokens = batchedCounter({
    name: 'tollgate_team_tokens_total',
    help: 'Tokens metered by team and direction (prompt, completion, cached).',
    labelNames: ['team', 'direction'] as const,
    registers,
  });
  const teamCost = batchedCounter({
    name: 'tollgate_team_cost_micro_usd_total',
    help: 'Cost charged to each team in micro-USD.',
    labelNames: ['team'] as const,
    registers,
  });
  const latency = new BatchedHistogram({
    name: 'tollgate_upstream_latency_seconds',
    help: 'Duration of an upstream attempt, to its last byte.',
    labelNames: ['model', 'provider'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const ttfb = new BatchedHistogram({
    name: 'tollgate_upstream_ttfb_seconds',
    help: 'Time to the upstream answer head (time to first byte of a stream).',
    labelNames: ['model', 'provider', 'streamed'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const tokens = batchedCounter({
    name: 'tollgate_tokens_total',
    help: 'Tokens metered, by direction (prompt = in, completion = out, cached = the cached part of prompt).',
    labelNames: ['model', 'provider', 'direction'] as const,
    registers,
  });
  const cost = batchedCounter({
    name: 'tollgate_cost_micro_usd_total',
    help: 'Cost of upstream attempts in micro-USD at the serving snapshot prices.',
    labelNames: ['model', 'provider'] as const,
    registers,
  });
  const upstreamErrors = batchedCounter({
    name: 'tollgate_upstream_errors_total',
    help: 'Failed upstream attempts by kind: timeout, connection, rate_limited, server_error, client_error, stream_failed, client_aborted, guardrail_blocked.',
    labelNames: ['provider', 'kind'] as const,
    registers,
  });

  new Gauge({
    name: 'tollgate_snapshot_version',
    help: 'Version of the config snapshot being served (0: none loaded).',
    registers,
    collect() {
      this.set(sources.snapshot().version ?? 0);
    },
  });
  new Gauge({
    name: 'tollgate_snapshot_loaded_timestamp_seconds',
    help: 'When the served snapshot was swapped in (unix seconds; 0: none).',
    registers,
    collect() {
      const loadedAt = sources.snapshot().loadedAt;
      this.set(loadedAt ? Date.parse(loadedAt) / 1000 : 0);
    },
  });
  new Gauge({
    name: 'tollgate_snapshot_from_disk',
    help: '1 when the served snapshot was loaded from the last good copy on disk, not from the bus.',
    registers,
    collect() {
      this.set(sources.snapshot().source === 'disk' ? 1 : 0);
    },
  });
  new Counter({
    name: 'tollgate_snapshot_refused_total',
    help: 'Snapshots refused (bad JSON, unknown major version, older than the served one); the old one kept serving.',
    registers,
    collect() {
      this.reset();
      this.inc(sources.snapshot().refusedCount);
    },
  });
  new Counter({
    name: 'tollgate_snapshot_signature_refused_total',
    help: 'Stored snapshots refused because they were unsigned or not signed by the control plane (forged); also in tollgate_snapshot_refused_total.',
    registers,
    collect() {
      this.reset();
      this.inc(sources.snapshot().refused.signature);
    },
  });
  new Gauge({
    name: 'tollgate_degraded',
    help: 'Declared degraded modes: 1 while the plane is in the mode.',
    labelNames: ['mode'] as const,
    registers,
    collect() {
      const active = new Set(sources.degraded());
      for (const mode of DEGRADED_MODES) this.set({ mode }, active.has(mode) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tollgate_ready',
    help: '1 when /readyz answers 200 (a snapshot is loaded and the plane is not draining).',
    registers,
    collect() {
      this.set(sources.snapshot().version !== null && !sources.draining() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tollgate_draining',
    help: '1 once SIGTERM started the drain.',
    registers,
    collect() {
      this.set(sources.draining() ? 1 : 0);
    },
  });

  /**
   * Each label set's cells (batched-metrics.ts), looked up once per attempt by model and team
   * rather than once per metric. The maps are bounded; the cells live on in their metric.
   */
  const modelChildren = new Map<string, ReturnType<typeof makeModelChildren>>();
  const teamChildren = new Map<string, ReturnType<typeof makeTeamChildren>>();
  const MAX_CHILD_SETS = 20_000;

  function makeModelChildren(model: string, provider: string) {
    return {
      latency: latency.cell({ model, provider }),
      ttfb: { true: ttfb.cell({ model, provider, streamed: 'true' }), false: ttfb.cell({ model, provider, streamed: 'false' }) },
      tokens: {
        prompt: tokens.tally({ model, provider, direction: 'prompt' }),
        completion: tokens.tally({ model, provider, direction: 'completion' }),
        cached: tokens.tally({ model, provider, direction: 'cached' }),
      },
      cost: cost.tally({ model, provider }),
      /** By `status outcome`, made on first use. */
      attempts: new Map<string, Tally>(),
      errors: new Map<string, Tally>(),
    };
  }

  function makeTeamChildren(team: string) {
    return {
      attempts: new Map<string, Tally>(),
      tokens: {
        prompt: teamTokens.tally({ team, direction: 'prompt' }),
        completion: teamTokens.tally({ team, direction: 'completion' }),
        cached: teamTokens.tally({ team, direction: 'cached' }),
      },
      cost: teamCost.tally({ team }),
    };
  }

  function childOf<K>(map: Map<string, K>, key: string, make: () => K): K {
    let child = map.get(key);
    if (child === undefined) {
      if (map.size >= MAX_CHILD_SETS) map.clear();
      map.set(key, (child = make()));
    }
    return child;
  }

  function recordAttempt(event: UsageEvent): void {
    const { model, provider, outcome } = event;
    const team = event.teamId;
    const m = childOf(modelChildren, `${model}\n${provider}`, () => makeModelChildren(model, provider));
    const t = childOf(teamChildren, team, () => makeTeamChildren(team));
    childOf(m.attempts, `${event.status} ${outcome}`, () => attempts.tally({ model, provider, status: String(event.status), outcome })).add();
    childOf(t.attempts, outcome, () => teamAttempts.tally({ team, outcome })).add();
    m.latency.observe(event.latencyMs / 1000);
    if (event.ttfbMs !== null) m.ttfb[event.streamed ? 'true' : 'false'].observe(event.ttfbMs / 1000);
    if (event.promptTokens) {
      m.tokens.prompt.add(event.promptTokens);
      t.tokens.prompt.add(event.promptTokens);
    }
    if (event.completionTokens) {
      m.tokens.completion.add(event.completionTokens);
      t.tokens.completion.add(event.completionTokens);
    }
    if (event.cachedTokens) {
      m.tokens.cached.add(event.cachedTokens);
      t.tokens.cached.add(event.cachedTokens);
    }
    if (event.costMicroUsd) {
      m.cost.add(event.costMicroUsd);
      t.cost.add(event.costMicroUsd);
    }
    const kind = errorKind(event);
    if (kind) childOf(m.errors, kind, () => upstreamErrors.tally({ provider, kind })).add();
  }

  const routeChildren = new Map<string, { inFlight: Tally; duration: HistogramCell; requests: Map<string, Tally> }>();
  const routeOf = (route: string) =>
    childOf(routeChildren, route, () => ({
      inFlight: inFlight.tally({ route }),
      duration: httpDuration.cell({ route }),
      requests: new Map<string, Tally>(),
    }));

  const observer: RequestObserver = {
    started(_exchange, route) {
      routeOf(route).inFlight.add(1);
    },
    finished(exchange: FinishedExchange, route) {
      const r = routeOf(route);
      r.inFlight.add(-1);
      const status = exchange.statusCode ?? 0;
      const code = exchange.errorCode ?? '';
      childOf(r.requests, `${status} ${code}`, () => httpRequests.tally({ route, status: String(status), code })).add();
      r.duration.observe((performance.now() - exchange.receivedAt) / 1000);
      if (code === 'insufficient_quota') budgetRejected.inc();
      else if (status === 429) rateLimited.inc();
    },
  };

  return {
    registry,
    observer,
    instrumentUsage(publisher) {
      return {
        publish(event) {
          recordAttempt(event);
          return publisher.publish(event);
        },
        flush: () => publisher.flush(),
      };
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

function errorKind(event: UsageEvent): string | null {
  switch (event.outcome) {
    case 'ok':
      return null;
    case 'timeout':
      return 'timeout';
    case 'aborted':
      return 'client_aborted';
    case 'blocked':
      return 'guardrail_blocked';
    case 'upstream_error':
      if (event.status === 0) return 'connection';
      if (event.status === 429) return 'rate_limited';
      if (event.status >= 500) return 'server_error';
      // Accepted, then failed: the stream broke after the head.
      return event.status >= 200 && event.status < 300 ? 'stream_failed' : 'client_error';
  }
}
