import type { PrismaClient } from '../generated/prisma/client.ts';
import type { SecretBox } from '../shared/crypto/secret-box.ts';
import type { MoneyEpochStore } from '../shared/money/money-counters.ts';
import type { TeamRole } from './domain/access.ts';
import type { FleetRegistry } from './fleet/fleet-registry.ts';
import type { SnapshotPublisher } from './snapshot/snapshot-publisher.ts';
import type { LiveEvents } from './usage/live-events.ts';

/**
 * Who is calling, resolved once per request (or per subscription) from the bearer token.
 * The platform admin sees everything; a team member sees its own team, with its role's rights.
 */
export type Principal = { kind: 'admin' } | { kind: 'member'; memberId: string; teamId: string; role: TeamRole } | { kind: 'anonymous' };

/** Long-lived services the resolvers use; built once in server.ts. */
export interface ControlPlaneServices {
  prisma: PrismaClient;
  secretBox: SecretBox;
  snapshots: SnapshotPublisher;
  live: LiveEvents;
  /** The data planes' money counters in Redis (a Redis bus only): re-seeded, and moved by `rerate`. */
  moneyCounters?: MoneyEpochStore;
  /** The data plane fleet, from heartbeats (in memory). */
  fleet: FleetRegistry;
  /**
   * Re-checks every open subscription's credentials (auth/subscription-guard.ts). Called after a
   * committed change to members or teams; subscriptions of callers who changed end with an error.
   */
  credentialsChanged(): Promise<void>;
}

/** What every domain function receives: the services and the caller. */
export interface GraphQLContext extends ControlPlaneServices {
  principal: Principal;
}
