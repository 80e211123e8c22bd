import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { type DocumentNode, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError, type Plugin } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Bus, UsageConsumer } from '../shared/bus/bus.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import { createSnapshotSigner } from '../shared/snapshot/signature.ts';
import { createAlertNotifier } from './alerts/alert-notifier.ts';
import { bearerToken, createPrincipalResolver } from './auth/principal.ts';
import { createSubscriptionGuard } from './auth/subscription-guard.ts';
import { createPlaygroundProxy } from './console/playground-proxy.ts';
import { createConsoleHandler } from './console/serve-console.ts';
import type { ControlPlaneServices, GraphQLContext, Principal } from './context.ts';
import type { LedgerConnection } from './db/ledger-connection.ts';
import { teamBudgetStatus } from './domain/budgets/budget-status.ts';
import { createControlHeartbeat } from './fleet/control-heartbeat.ts';
import { createFleetRegistry } from './fleet/fleet-registry.ts';
import { createLease, runAsSingleton } from './fleet/lease.ts';
import { createGraphQLGate, DEFAULT_MAX_GRAPHQL_BODY_BYTES } from './graphql-gate.ts';
import { createControlPlaneMetrics } from './metrics/control-plane-metrics.ts';
import { createDatabaseHealth, isDatabaseUnavailable } from './metrics/database-health.ts';
import { createOpsEndpoints } from './metrics/ops-endpoints.ts';
import { protectionPlugins, storableText } from './protection.ts';
import { redisPersistenceWarning } from './redis-persistence.ts';
import { schema } from './schema/index.ts';
import { resealLegacyCredentials } from './snapshot/reseal-legacy.ts';
import { createSnapshotPublisher } from './snapshot/snapshot-publisher.ts';
import { listen } from './startup-errors.ts';
import { createBudgetAlertSweeper } from './usage/budget-alert-sweeper.ts';
import { createUsageIngestor } from './usage/ingest-usage.ts';
import { createLiveEvents, openLiveFanout } from './usage/live-events.ts';
import { reseedMoneyIfUnseeded } from './usage/money-reseed.ts';
import { applyRetention, RETENTION_INTERVAL_MS } from './usage/retention.ts';
import { createUsageWebhook, USAGE_WEBHOOK_LEASE, type UsageWebhookOptions } from './usage/usage-webhook.ts';

export interface ControlPlaneOptions {
  prisma: PrismaClient;
  /** The usage ingestion's connection to the same database (Database.ledger). */
  ledger: LedgerConnection;
  bus: Bus;
  secretBox: SecretBox;
  adminKeyHash: string;
  host: string;
  port: number;
  /** Production mode: no GraphiQL, no introspection, no field suggestions. */
  production?: boolean;
  /** Names this process's usage consumer in the Redis consumer group. */
  consumerName?: string;
  /** This process's id in heartbeats; default host name + pid. */
  instanceId?: string;
  /** Control-plane heartbeat period (data planes derive their degraded modes from it); 0: none. Default 5 s. */
  heartbeatIntervalMs?: number;
  /** Process-wide metrics (memory, event loop, GC) on /metrics too; default true. */
  defaultMetrics?: boolean;
  /** How often open subscriptions re-check their credentials besides after member and team changes; default 5 s. */
  credentialRecheckMs?: number;
  /** GraphQL POST bodies above this are refused before they are read (graphql-gate.ts); default 1 MiB. */
  maxGraphQLBodyBytes?: number;
  /** How often the bus is checked for a missing, older or invalid stored snapshot; 0: never. Default 5 s. */
  snapshotCheckIntervalMs?: number;
  /** How often a Redis bus is checked for a missing money epoch (counters to re-seed from the ledger); default 2 s. */
  moneyEpochCheckIntervalMs?: number;
  /** Forward every newly stored usage event to this endpoint, signed, through a durable outbox (docs/operations.md). */
  usageWebhook?: UsageWebhookOptions;
  /** Keep raw usage events this many whole UTC days; unset: forever. Counters are kept forever. */
  usageRetentionDays?: number;
  /** How often singleton jobs (retention) tick; their lease lasts three ticks. Default: retention's hour; 0: none run here. */
  singletonIntervalMs?: number;
  /** The data plane's base URL (`http://host:port`) for the console's playground; undefined: none. */
  playgroundTarget?: () => string | undefined;
}

export interface RunningControlPlane {
  port: number;
  url: string;
  services: ControlPlaneServices;
  close(): Promise<void>;
}

/** A WebSocket's bearer token: from the connection params (browsers cannot set headers), else the upgrade request. */
function wsToken(ctx: { connectionParams?: Readonly<Record<string, unknown>>; extra: { request: { headers: { authorization?: string } } } }): string | null {
  const fromParams = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return bearerToken(typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

// Every operation needs a known caller; the finer team scoping lives in the domain layer.
const requireAuthenticated: Plugin<GraphQLContext> = {
  onExecute({ args }) {
    if ((args.contextValue as GraphQLContext).principal.kind === 'anonymous') {
      throw new GraphQLError('missing or invalid bearer token', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
  },
  onSubscribe({ args }) {
    if ((args.contextValue as GraphQLContext).principal.kind === 'anonymous') {
      throw new GraphQLError('missing or invalid bearer token', { extensions: { code: 'UNAUTHENTICATED' } });
    }
  },
};

export async function startControlPlane(options: ControlPlaneOptions): Promise<RunningControlPlane> {
  const { prisma, bus, secretBox } = options;
  // Replicas sharing Redis fan their live events out to each other's subscribers.
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
  const fanout = bus.live ? await openLiveFanout(bus.live) : undefined;
  const live = createLiveEvents(fanout);
  const snapshots = createSnapshotPublisher({
    prisma,
    bus,
    live,
    signer: createSnapshotSigner(secretBox.keys),
    reconcileIntervalMs: options.snapshotCheckIntervalMs,
  });
  const fleet = createFleetRegistry({ bus });
  const database = createDatabaseHealth(prisma);
  const budgetsRemaining = async (teamId: string) =>
    (await teamBudgetStatus(prisma, teamId)).budgets.map((status) => ({ budgetId: status.budget.id, remainingMicroUsd: status.remainingMicroUsd }));
  const singletons = () => ({ retention: retention?.holding() ?? false, ...(webhook ? { [USAGE_WEBHOOK_LEASE]: webhook.holding() } : {}) });
  const metrics = createControlPlaneMetrics({ bus, fleet, database, budgetsRemaining, singletons }, { defaultMetrics: options.defaultMetrics });
  snapshots.registerMetrics(metrics.registry);
  const heartbeat = createControlHeartbeat({
    bus,
    instanceId,
    intervalMs: options.heartbeatIntervalMs ?? 5_000,
    databaseUp: () => database.isUp(),
    snapshotVersion: () => snapshots.publishedVersion(),
  });
  let consumer: UsageConsumer | null = null;
  const ops = createOpsEndpoints({ metrics, database, fleet, busConnected: () => bus.isConnected(), usageConsumer: () => consumer?.health?.() });
  const resolvePrincipal = createPrincipalResolver(options.adminKeyHash, prisma);
  const subscriptionGuard = createSubscriptionGuard({ resolvePrincipal, recheckMs: options.credentialRecheckMs ?? 5_000 });
  const services: ControlPlaneServices = {
    prisma,
    secretBox,
    snapshots,
    live,
    fleet,
    moneyCounters: bus.moneyEpoch,
    credentialsChanged: () => subscriptionGuard.credentialsChanged(),
  };

  const yoga = createYoga<{ principal?: Principal }, GraphQLContext>({
    schema,
    graphiql: options.production ? false : { subscriptionsProtocol: 'WS', title: 'Tollgate GraphiQL' },
    // Bundled GraphiQL (yoga's default loads it from a CDN and renders blank offline). 9 MB of
    // scripts: imported on the first GraphiQL page only.
    renderGraphiQL: async (graphiqlOptions) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(graphiqlOptions),
    batching: false,
    // Authentication first: an anonymous caller learns nothing about what its input would do.
    plugins: [...protectionPlugins(options.production ?? false), requireAuthenticated, storableText],
    maskedErrors: {
      // Postgres down is "service unavailable", never an authentication error nor a generic one.
      maskError(error, message, isDev) {
        const original = (error as { originalError?: unknown })?.originalError ?? error;
        if (isDatabaseUnavailable(original)) {
          database.probe().catch(() => undefined);
          return new GraphQLError('Service unavailable: the database cannot be reached; retry shortly.', {
            extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '5' } } },
          });
        }
        return maskError(error, message, isDev);
      },
    },
    context: async ({ request, principal }) => ({
      ...services,
      principal: principal ?? (await resolvePrincipal(bearerToken(request?.headers.get('authorization')))),
    }),
  });

  const maxGraphQLBodyBytes = options.maxGraphQLBodyBytes ?? DEFAULT_MAX_GRAPHQL_BODY_BYTES;
  const gate = createGraphQLGate({
    endpoint: yoga.graphqlEndpoint,
    maxBodyBytes: maxGraphQLBodyBytes,
    resolvePrincipal,
  });
  const consolePages = createConsoleHandler();
  const playground = createPlaygroundProxy(options.playgroundTarget ?? (() => undefined));
  const server: Server = createServer((req, res) => {
    ops(req, res)
      .then(async (handled) => {
        if (handled || (await playground(req, res))) return;
        // GraphiQL is yoga's answer to a browser's GET /graphql; every other GET is the console.
        if (consolePages(req, res)) return;
        const passed = await gate(req, res);
        if (passed.pass) void yoga(req, res, passed.principal ? { principal: passed.principal } : {});
      })
      .catch(() => res.writeHead(500).end());
  });

  const alerts = createAlertNotifier({ prisma, secretBox });
  alerts.watchFleet(fleet.changes());
  const budgetAlerts = createBudgetAlertSweeper(prisma, live, (created) => alerts.budgetAlerts(created));
  // Thresholds a previous process had no time to check (it died between a commit and its check).
  void budgetAlerts.markAllWithBudgets().catch(() => undefined);
  const ingest = metrics.instrumentIngest(createUsageIngestor({ prisma, ledger: options.ledger }, live, options.usageWebhook !== undefined, budgetAlerts));
  // The webhook delivers from its outbox on one replica at a time: whichever holds its lease.
  const webhook = options.usageWebhook ? createUsageWebhook(prisma, instanceId, options.usageWebhook, metrics.registry) : null;
  consumer = bus.consumeUsage(options.consumerName ?? `control-plane-${process.pid}`, ingest, {
    onDeadLetter: metrics.onDeadLetter,
    onGroupRecreated: metrics.onGroupRecreated,
  });
  const usageConsumer = consumer;

  // Retention runs on one replica at a time: whichever holds its lease (handed over when it dies).
  const singletonIntervalMs = options.singletonIntervalMs ?? RETENTION_INTERVAL_MS;
  const retention =
    singletonIntervalMs > 0
      ? runAsSingleton(createLease(prisma, 'retention', `${instanceId}-${randomBytes(4).toString('hex')}`, 3 * singletonIntervalMs), singletonIntervalMs, () =>
          applyRetention(prisma, options.usageRetentionDays),
        )
      : null;
  // Redis came back empty (or this is its first start): re-seed the money counters from the
  // ledger, then set the epoch; until then data planes stay on their local share (docs/money.md).
  const moneyEpoch = bus.moneyEpoch;
  let reseeding = false;
  const checkMoneyEpoch = async () => {
    if (!moneyEpoch || reseeding) return;
    reseeding = true;
    try {
      const written = await reseedMoneyIfUnseeded(prisma, moneyEpoch);
      if (written !== null) console.warn(`control plane: money epoch missing in Redis: re-seeded ${written} counters from the ledger`);
    } catch {
      // Redis or the database is down: the next tick tries again (both report in /readyz).
    } finally {
      reseeding = false;
    }
  };
  const moneyEpochTimer = moneyEpoch ? setInterval(() => void checkMoneyEpoch(), options.moneyEpochCheckIntervalMs ?? 2_000).unref() : null;
  await checkMoneyEpoch();
  await fleet.start();
  database.start();
  heartbeat.start();
  try {
    // Before the first snapshot: data planes open only credentials bound to their provider.
    await resealLegacyCredentials(prisma, secretBox);
    await snapshots.publish();
    await listen(server, options.port, options.host, 'CONTROL_PLANE_PORT');
  } catch (error) {
    // Nothing may keep the process alive after a failed start: the caller prints the reason and exits.
    if (moneyEpochTimer) clearInterval(moneyEpochTimer);
    await heartbeat.stop();
    await retention?.stop();
    database.stop();
    await fleet.stop();
    await usageConsumer.stop();
    await budgetAlerts.close();
    await webhook?.close();
    await snapshots.close();
    await fanout?.close();
    subscriptionGuard.close();
    throw error;
  }
  // Not fatal (a development Redis rarely persists), but exactly-once metering needs AOF: say so once.
  redisPersistenceWarning(bus).then(
    (warning) => warning && console.warn(`control plane: ${warning}`),
    () => undefined,
  );
  // Made after listen(): ws would re-emit a listen error (a port in use) as its own, and graphql-ws log it as internal.
  // The same cap as a POST body (ws's own default is 100 MiB): a message is read whole before
  // graphql-ws sees it, and connection_init, the first one, comes before any authentication.
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: maxGraphQLBodyBytes });
  const wsCleanup = useServer(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const principal = await resolvePrincipal(wsToken(ctx));
        // A graphql-ws error for this operation (an exception here would close the whole socket as an internal error).
        if (principal.kind === 'anonymous') return [new GraphQLError('missing or invalid bearer token', { extensions: { code: 'UNAUTHENTICATED' } })];
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          principal,
        });
        let document: DocumentNode;
        try {
          document = parse(params.query);
        } catch (error) {
          // A syntax error, or the token limit (which runs in the parser): this operation's error.
          // Thrown from here it would close the whole socket as an internal error (4500).
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
      // Every subscription ends when its caller's credentials change (auth/subscription-guard.ts).
      onOperation: (ctx, _id, _params, args, result) =>
        isAsyncIterable(result) ? subscriptionGuard.guard(result, wsToken(ctx), (args.contextValue as GraphQLContext).principal) : result,
    },
    wsServer,
  );
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://${options.host}:${port}${yoga.graphqlEndpoint}`,
    services,
    async close() {
      if (moneyEpochTimer) clearInterval(moneyEpochTimer);
      await heartbeat.stop();
      await retention?.stop();
      database.stop();
      await fleet.stop();
      await usageConsumer.stop();
      await budgetAlerts.close();
      await webhook?.close();
      await snapshots.close();
      subscriptionGuard.close();
      await wsCleanup.dispose();
      await fanout?.close();
      wsServer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
