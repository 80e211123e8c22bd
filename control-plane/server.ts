import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type Plugin } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Bus, UsageConsumer } from '../shared/bus/bus.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import { bearerToken, createPrincipalResolver } from './auth/principal.ts';
import type { ControlPlaneServices, GraphQLContext, Principal } from './context.ts';
import { protectionPlugins } from './protection.ts';
import { schema } from './schema/index.ts';
import { createSnapshotPublisher } from './snapshot/snapshot-publisher.ts';
import { createUsageIngestor } from './usage/ingest-usage.ts';
import { createLiveEvents } from './usage/live-events.ts';

export interface ControlPlaneOptions {
  prisma: PrismaClient;
  bus: Bus;
  secretBox: SecretBox;
  adminKeyHash: string;
  host: string;
  port: number;
  /** Production mode: no GraphiQL, no introspection, no field suggestions. */
  production?: boolean;
  /** Names this process's usage consumer in the Redis consumer group. */
  consumerName?: string;
}

export interface RunningControlPlane {
  port: number;
  url: string;
  services: ControlPlaneServices;
  close(): Promise<void>;
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
  const live = createLiveEvents();
  const snapshots = createSnapshotPublisher({ prisma, bus, live });
  const services: ControlPlaneServices = { prisma, secretBox, snapshots, live };
  const resolvePrincipal = createPrincipalResolver(options.adminKeyHash, prisma);

  const yoga = createYoga<{ principal?: Principal }, GraphQLContext>({
    schema,
    graphiql: options.production ? false : { subscriptionsProtocol: 'WS' },
    batching: false,
    maskedErrors: true,
    plugins: [...protectionPlugins(options.production ?? false), requireAuthenticated],
    context: async ({ request, principal }) => ({
      ...services,
      principal: principal ?? (await resolvePrincipal(bearerToken(request?.headers.get('authorization')))),
    }),
  });

  const server: Server = createServer(yoga);
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const wsCleanup = useServer(
    {
      execute: (args: any) => args.rootValue.execute(args),
      subscribe: (args: any) => args.rootValue.subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const fromParams = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const token = bearerToken(typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization);
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          principal: await resolvePrincipal(token),
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wsServer,
  );

  const ingest = createUsageIngestor(prisma, live);
  const consumer: UsageConsumer = bus.consumeUsage(options.consumerName ?? `control-plane-${process.pid}`, ingest);

  await snapshots.publish();
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://${options.host}:${port}${yoga.graphqlEndpoint}`,
    services,
    async close() {
      await consumer.stop();
      await snapshots.close();
      await wsCleanup.dispose();
      wsServer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
