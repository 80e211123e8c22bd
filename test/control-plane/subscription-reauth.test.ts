import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { gqlKit } from '../support/gql-kit.ts';
import { waitUntil } from '../support/processes.ts';
import { wsClient } from '../support/ws-client.ts';

// Subscriptions do not outlive their credentials: for every subscription a member may open, and
// every way a member's credentials change (removed, token rotated, role changed, team deleted,
// or changed through another control plane: straight in the database), the subscription ends
// with a graphql-ws error naming why, while an unchanged member of the same team keeps theirs.

const RECHECK_MS = 300;
let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness({ controlPlane: { credentialRecheckMs: RECHECK_MS } });
});
afterAll(async () => cp?.close());

const SUBSCRIPTIONS = {
  usage: 'subscription($t: ID!) { usage(teamId: $t) { id } }',
  budgetStatus: 'subscription($t: ID!) { budgetStatus(teamId: $t) { teamId } }',
  budgetAlerts: 'subscription($t: ID!) { budgetAlerts(teamId: $t) { id } }',
  snapshotPublished: 'subscription { snapshotPublished { version } }',
};

type Change = (ids: { teamId: string; memberId: string }) => Promise<unknown>;
const admin = () => gqlKit(cp);
const CHANGES: [string, Change, 'UNAUTHENTICATED' | 'CREDENTIALS_CHANGED'][] = [
  ['member deleted', ({ memberId }) => admin().ok('deleteMember', { id: memberId }), 'UNAUTHENTICATED'],
  ['token rotated', ({ memberId }) => admin().ok('rotateMemberToken', { id: memberId }, 'token'), 'UNAUTHENTICATED'],
  ['role changed', ({ memberId }) => admin().ok('updateMember', { input: { id: memberId, role: 'VIEWER' } }, 'id'), 'CREDENTIALS_CHANGED'],
  ['team deleted', ({ teamId }) => admin().ok('deleteTeam', { id: teamId }), 'UNAUTHENTICATED'],
  // Another control plane changed it: only the periodic re-check can tell.
  ['role changed elsewhere', ({ memberId }) => cp.database.prisma.member.update({ where: { id: memberId }, data: { role: 'viewer' } }), 'CREDENTIALS_CHANGED'],
  ['deleted elsewhere', ({ memberId }) => cp.database.prisma.member.delete({ where: { id: memberId } }), 'UNAUTHENTICATED'],
];

/** One subscription through a sink (graphql-ws's iterate() loses an error that arrives before the first next()). */
function track(client: Client, query: string, variables: Record<string, unknown>) {
  const values: any[] = [];
  let settle!: (outcome: { error?: unknown; completed?: true }) => void;
  const ended = new Promise<{ error?: unknown; completed?: true }>((resolve) => (settle = resolve));
  client.subscribe(
    { query, variables },
    { next: (value) => void values.push(value), error: (error) => settle({ error }), complete: () => settle({ completed: true }) },
  );
  return { values, ended };
}

async function openAll(token: string, teamId: string) {
  const client = wsClient(cp.controlPlane.url, token);
  const tracked = Object.fromEntries(Object.entries(SUBSCRIPTIONS).map(([name, query]) => [name, track(client, query, { t: teamId })]));
  // budgetStatus answers at once: the connection is up and subscribing works; let the others settle.
  await waitUntil(() => tracked.budgetStatus.values.length > 0, 5_000, 'the first budget status');
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { client, tracked };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
}

describe('subscriptions re-check their credentials', () => {
  for (const [name, change, code] of CHANGES) {
    it(`${name}: every subscription of that member ends with ${code}; a colleague's go on`, async () => {
      const team = await admin().team({ slug: `sr-${Math.random().toString(36).slice(2, 8)}` });
      const changed = await admin().member(team.id, 'ADMIN');
      const colleague = await admin().member(team.id, 'ADMIN');
      const mine = await openAll(changed.token, team.id);
      const theirs = name === 'team deleted' ? null : await openAll(colleague.token, team.id);
      try {
        await change({ teamId: team.id, memberId: changed.member.id });
        for (const [subscription, { ended }] of Object.entries(mine.tracked)) {
          const outcome = await within(ended, RECHECK_MS * 2 + 2_000);
          expect(JSON.stringify(outcome), subscription).toContain(`"code":"${code}"`);
        }
        if (theirs) {
          // The colleague still receives: a new snapshot reaches their snapshotPublished, and nothing of theirs ended.
          const before = theirs.tracked.snapshotPublished.values.length;
          await admin().team({ slug: `sr-${Math.random().toString(36).slice(2, 8)}` });
          await waitUntil(() => theirs.tracked.snapshotPublished.values.length > before, 5_000, "the colleague's snapshot");
          for (const [subscription, { ended }] of Object.entries(theirs.tracked)) expect(await within(ended, 10), subscription).toBe('timeout');
        }
      } finally {
        await mine.client.dispose();
        await theirs?.client.dispose();
      }
    });
  }

  it('a new subscription with the old token is refused', async () => {
    const team = await admin().team({ slug: `sr-${Math.random().toString(36).slice(2, 8)}` });
    const member = await admin().member(team.id, 'ADMIN');
    await admin().ok('rotateMemberToken', { id: member.member.id }, 'token');
    const client = wsClient(cp.controlPlane.url, member.token);
    try {
      const refused = await within(track(client, SUBSCRIPTIONS.budgetStatus, { t: team.id }).ended, 5_000);
      expect(JSON.stringify(refused)).toContain('"code":"UNAUTHENTICATED"');
    } finally {
      await client.dispose();
    }
  });
});
