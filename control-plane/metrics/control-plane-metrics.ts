import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type Bus, type DeadLetter, type UsageHandler, UsageStoreUnavailable } from '../../shared/bus/bus.ts';
import type { FleetRegistry } from '../fleet/fleet-registry.ts';
import { type DatabaseHealth, isDatabaseUnavailable } from './database-health.ts';

export interface ControlPlaneMetrics {
  readonly registry: Registry;
  /**
   * Wraps the usage ingestor: counts batches and events, times them, and turns "database
   * unreachable" into UsageStoreUnavailable so the events wait in the stream instead of being
   * dead-lettered.
   */
  instrumentIngest(ingest: UsageHandler): UsageHandler;
  /**
   * The dead-letter alert, for the usage consumer's onDeadLetter hook: counts the event in
   * `tollgate_usage_dead_lettered_total{kind}` (alert on its rate) and logs one error line.
   */
  onDeadLetter(letter: DeadLetter): void;
  /** The alert when Redis came back without the usage consumer group (re-created): counter + error line. */
  onGroupRecreated(): void;
  render(): Promise<{ contentType: string; body: string }>;
}

export function createControlPlaneMetrics(
  sources: {
    bus: Pick<Bus, 'usageBacklog' | 'isConnected'>;
    fleet: Pick<FleetRegistry, 'view'>;
    database: Pick<DatabaseHealth, 'isUp'>;
    /** Remaining amount of each budget of a team now, integer micro-USD (domain/budgets). */
    budgetsRemaining?: (teamId: string) => Promise<{ budgetId: string; remainingMicroUsd: bigint }[]>;
    /** Singleton jobs (control-plane/fleet/lease.ts) and whether this replica holds each one's lease. */
    singletons?: () => Record<string, boolean>;
  },
  options: { defaultMetrics?: boolean; logError?: (line: string) => void } = {},
): ControlPlaneMetrics {
  const logError = options.logError ?? ((line: string) => console.error(line));
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // Teams whose usage this control plane stored: the budget gauge covers them (not every team
  // ever created), computed at scrape time from the ledger, one team at a time.
  const activeTeams = new Set<string>();
  new Gauge({
    name: 'tollgate_budget_remaining_micro_usd',
    help: 'Remaining amount of each budget of the teams with usage, this period, in micro-USD (negative when overspent by a soft budget).',
    labelNames: ['team', 'budget'] as const,
    registers,
    async collect() {
      if (!sources.budgetsRemaining || !sources.database.isUp()) return;
      this.reset();
      for (const team of activeTeams) {
        for (const { budgetId, remainingMicroUsd } of await sources.budgetsRemaining(team).catch(() => [])) {
          this.set({ team, budget: budgetId }, Number(remainingMicroUsd));
        }
      }
    },
  });

  new Gauge({
    name: 'tollgate_singleton_held',
    help: "Singleton jobs of the control plane replicas: 1 on the replica that holds the job's lease (runs it), 0 on the others.",
    labelNames: ['job'] as const,
    registers,
    collect() {
      this.reset();
      for (const [job, held] of Object.entries(sources.singletons?.() ?? {})) this.set({ job }, held ? 1 : 0);
    },
  });

  const batches = new Counter({
    name: 'tollgate_usage_ingest_batches_total',
    help: 'Usage batches handled by the consumer: ok, database_down (left in the stream), error.',
    labelNames: ['result'] as const,
    registers,
  });
  const deadLettered = new Counter({
    name: 'tollgate_usage_dead_lettered_total',
    help: 'Usage events this control plane moved to the dead-letter stream: invalid (unparseable) or failed (store failed repeatedly).',
    labelNames: ['kind'] as const,
    registers,
  });
  const groupRecreated = new Counter({
    name: 'tollgate_usage_group_recreated_total',
    help: 'Times this control plane found the usage consumer group gone (Redis restarted empty, failed over, flushed) and created it again.',
    registers,
  });
  const events = new Counter({ name: 'tollgate_usage_ingested_events_total', help: 'Usage events stored (duplicates from redelivery included).', registers });
  const duration = new Histogram({
    name: 'tollgate_usage_ingest_duration_seconds',
    help: 'Time to store one usage batch.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  // One backlog read per scrape, shared by the three gauges.
  let backlog: ReturnType<Bus['usageBacklog']> | null = null;
  const readBacklog = () => {
    backlog ??= sources.bus.usageBacklog().finally(() => setImmediate(() => (backlog = null)));
    return backlog.catch(() => null);
  };
  new Gauge({
    name: 'tollgate_usage_stream_pending',
    help: 'Usage events delivered to a control plane but not stored yet (XPENDING).',
    registers,
    async collect() {
      const value = await readBacklog();
      if (value) this.set(value.pending);
    },
  });
  new Gauge({
    name: 'tollgate_usage_stream_lag',
    help: 'Usage events on the stream not delivered to any control plane yet (consumer group lag).',
    registers,
    async collect() {
      const value = await readBacklog();
      if (value?.lag !== null && value?.lag !== undefined) this.set(value.lag);
    },
  });
  new Gauge({
    name: 'tollgate_usage_dead_letters',
    help: 'Usage events parked in the dead-letter stream (failed to store repeatedly).',
    registers,
    async collect() {
      const value = await readBacklog();
      if (value) this.set(value.deadLetters);
    },
  });
  new Gauge({
    name: 'tollgate_snapshot_published_version',
    help: 'The newest snapshot version on the bus (what data planes converge to).',
    registers,
    collect() {
      this.set(sources.fleet.view().targetSnapshotVersion ?? 0);
    },
  });
  new Gauge({
    name: 'tollgate_fleet_data_planes',
    help: 'Data planes known from heartbeats, by state (ready, not_ready, draining, lost).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const counts: Record<string, number> = { ready: 0, not_ready: 0, draining: 0, lost: 0 };
      for (const member of sources.fleet.view().members) counts[member.state]++;
      for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'tollgate_fleet_converged',
    help: '1 when every live data plane serves the newest snapshot.',
    registers,
    collect() {
      this.set(sources.fleet.view().converged ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tollgate_database_up',
    help: '1 when the last database probe succeeded.',
    registers,
    collect() {
      this.set(sources.database.isUp() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tollgate_bus_up',
    help: '1 when the bus (Redis) connection is up.',
    registers,
    collect() {
      this.set(sources.bus.isConnected() ? 1 : 0);
    },
  });

  return {
    registry,
    instrumentIngest(ingest) {
      return async (batch, json) => {
        const stop = duration.startTimer();
        try {
          await ingest(batch, json);
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            batches.inc({ result: 'database_down' });
            throw new UsageStoreUnavailable('the database is unreachable; the usage events wait in the stream', { cause: error });
          }
          batches.inc({ result: 'error' });
          throw error;
        }
        stop();
        batches.inc({ result: 'ok' });
        events.inc(batch.length);
        for (const event of batch) activeTeams.add(event.teamId);
      };
    },
    onDeadLetter(letter) {
      deadLettered.inc({ kind: letter.kind });
      logError(
        `usage event dead-lettered (${letter.kind}): stream id ${letter.sourceId}, event ${letter.eventId ?? 'unparseable'}: ${letter.reason}. ` +
          'It is NOT in the ledger until replayed from the dead-letter stream.',
      );
    },
    onGroupRecreated() {
      groupRecreated.inc();
      logError(
        'the usage consumer group was gone (Redis restarted without persistence, failed over to an empty replica, or was flushed): created again. ' +
          'Usage events written to the old Redis and not yet stored are lost; see docs/operations.md (Redis persistence).',
      );
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
