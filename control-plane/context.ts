import type { PrismaClient } from '../generated/prisma/client.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import type { FleetRegistry } from './fleet/fleet-registry.ts';
import type { SnapshotPublisher } from './snapshot/snapshot-publisher.ts';
import type { LiveEvents } from './usage/live-events.ts';

/** Who is calling. The platform admin sees everything. */
export type Principal = { kind: 'admin' } | { kind: 'anonymous' };

/** Long-lived services the resolvers use; built once in server.ts. */
export interface ControlPlaneServices {
  prisma: PrismaClient;
  secretBox: SecretBox;
  snapshots: SnapshotPublisher;
  live: LiveEvents;
  /** The data plane fleet, from heartbeats (in memory). */
  fleet: FleetRegistry;
}

export interface GraphQLContext extends ControlPlaneServices {
  principal: Principal;
}
