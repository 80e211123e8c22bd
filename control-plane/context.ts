import type { PrismaClient } from '../generated/prisma/client.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
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
}

export interface GraphQLContext extends ControlPlaneServices {
  principal: Principal;
}
