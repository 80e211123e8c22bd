import { GraphQLError } from 'graphql';
import { DEGRADED_MODES } from '../../shared/events/heartbeat.ts';
import type { GraphQLContext } from '../context.ts';
import type { FleetMember, FleetView } from '../fleet/fleet-registry.ts';
import { builder } from './builder.ts';

/** The fleet is platform-wide operational data: the platform admin's only (checked on subscribe too). */
function requireAdmin(ctx: GraphQLContext): void {
  if (ctx.principal.kind !== 'admin')
    throw new GraphQLError('the fleet view needs the platform admin', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

const DataPlaneState = builder.enumType('DataPlaneState', {
  description: 'READY serves; NOT_READY has no snapshot; DRAINING is shutting down; LOST missed several heartbeats.',
  values: { READY: { value: 'ready' }, NOT_READY: { value: 'not_ready' }, DRAINING: { value: 'draining' }, LOST: { value: 'lost' } } as const,
});

const DegradedMode = builder.enumType('DegradedMode', {
  description: 'Declared degraded modes. None stops serving: REDIS_DOWN serves from the snapshot with local limits; the others do not touch serving.',
  values: Object.fromEntries(DEGRADED_MODES.map((mode) => [mode.toUpperCase(), { value: mode }])) as Record<
    Uppercase<(typeof DEGRADED_MODES)[number]>,
    { value: (typeof DEGRADED_MODES)[number] }
  >,
});

const SnapshotSource = builder.enumType('SnapshotSource', {
  values: { BUS: { value: 'bus' }, DISK: { value: 'disk' } } as const,
});

const RefusedSnapshot = builder.objectRef<{ version: number; reason: string }>('RefusedSnapshot').implement({
  description: 'A snapshot a data plane refused (bad JSON, unknown major version, older than its own); it kept the old one.',
  fields: (t) => ({ version: t.exposeInt('version'), reason: t.exposeString('reason') }),
});

const FleetDataPlane = builder.objectRef<FleetMember>('FleetDataPlane').implement({
  description: 'A data plane as its heartbeats describe it.',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId'),
    state: t.field({ type: DataPlaneState, resolve: (member) => member.state }),
    snapshotVersion: t.exposeInt('snapshotVersion', { nullable: true }),
    snapshotHash: t.exposeString('snapshotHash', { nullable: true }),
    snapshotSource: t.field({ type: SnapshotSource, nullable: true, resolve: (member) => member.snapshotSource }),
    lastRefusedSnapshot: t.field({ type: RefusedSnapshot, nullable: true, resolve: (member) => member.lastRefused }),
    degradedModes: t.field({ type: [DegradedMode], resolve: (member) => member.degraded }),
    inFlight: t.exposeInt('inFlight', { description: 'Requests being served at the last heartbeat.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
  }),
});

const Fleet = builder.objectRef<FleetView>('Fleet').implement({
  description: 'Every data plane heard from recently, and whether they all serve the newest snapshot.',
  fields: (t) => ({
    targetSnapshotVersion: t.exposeInt('targetSnapshotVersion', { nullable: true, description: 'The newest snapshot version on the bus.' }),
    dataPlanes: t.field({ type: [FleetDataPlane], resolve: (view) => view.members }),
    live: t.exposeInt('live', { description: 'Data planes not LOST.' }),
    convergedCount: t.exposeInt('convergedCount', { description: 'Live, not draining data planes serving the target version.' }),
    converged: t.exposeBoolean('converged', { description: 'True when every live, not draining data plane serves the target version.' }),
  }),
});

builder.queryFields((t) => ({
  fleet: t.field({
    type: Fleet,
    description: 'The data plane fleet (platform admin only).',
    resolve: (_root, _args, ctx) => {
      requireAdmin(ctx);
      return ctx.fleet.view();
    },
  }),
}));

builder.subscriptionFields((t) => ({
  fleetChanged: t.field({
    type: Fleet,
    description: 'The whole fleet view, now and on every change of membership, state, snapshot version or degraded mode.',
    // Checked before the stream exists, so a refusal is an ordinary GraphQL error result.
    subscribe: (_root, _args, ctx) => {
      requireAdmin(ctx);
      const changes = ctx.fleet.changes();
      return (async function* () {
        yield ctx.fleet.view();
        yield* changes;
      })();
    },
    resolve: (view) => view,
  }),
}));
