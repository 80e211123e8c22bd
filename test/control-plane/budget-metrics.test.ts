import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { usageEvent } from '../support/usage-events.ts';

let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness();
});
afterAll(async () => {
  await cp?.close();
});

describe('budget remaining on /metrics', () => {
  it('shows each budget of a team with usage, in micro-USD, as the ledger fills', async () => {
    const team = await cp.gql(`mutation { createTeam(input: { name: "Metered", slug: "metered" }) { ... on MutationCreateTeamSuccess { data { id } } } }`);
    const teamId: string = team.data.createTeam.data.id;
    const budget = await cp.gql(
      `mutation($t: ID!) { setBudget(input: { scope: TEAM, scopeId: $t, amount: "1000000", period: MONTHLY, hard: false }) { ... on MutationSetBudgetSuccess { data { id } } } }`,
      { t: teamId },
    );
    const budgetId: string = budget.data.setBudget.data.id;
    await cp.bus.publishUsage(usageEvent(teamId, 'some-key', { costMicroUsd: 250_000 }));
    const metricsUrl = cp.controlPlane.url.replace('/graphql', '/metrics');
    await vi.waitFor(async () => {
      const text = await (await fetch(metricsUrl)).text();
      expect(text).toContain(`tollgate_budget_remaining_micro_usd{team="${teamId}",budget="${budgetId}"} 750000`);
    });
  });
});
