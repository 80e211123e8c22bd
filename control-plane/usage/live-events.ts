import { createPubSub } from 'graphql-yoga';
import type { BudgetAlert, UsageEvent as UsageRow } from '../../generated/prisma/client.ts';

export interface SnapshotPublication {
  version: number;
  hash: string;
  createdAt: Date;
}

/**
 * In-process fan-out to GraphQL subscribers of this control plane. Usage rows are published here
 * only after they are committed, and only the first time (duplicates are filtered at insert).
 * `budget` carries no payload: it tells a team's budget-status subscribers to recompute.
 * `budgetAlert` carries an alert row, published once: after the insert that created it.
 */
export function createLiveEvents() {
  return createPubSub<{
    usage: [teamId: string, row: UsageRow];
    budget: [teamId: string, changed: true];
    budgetAlert: [teamId: string, alert: BudgetAlert];
    snapshot: [publication: SnapshotPublication];
  }>();
}

export type LiveEvents = ReturnType<typeof createLiveEvents>;
