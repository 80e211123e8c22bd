import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { gqlKit } from '../support/gql-kit.ts';
import { usageEvent } from '../support/usage-events.ts';
import { nextWithin, subscribe, wsClient } from '../support/ws-client.ts';

// Soft budget alerts: ingestion records one alert per threshold crossed, once per period, and
// publishes it to the team's budgetAlerts subscribers.

forEachDatabase((target) => {
  let cp: ControlPlaneHarness;
  beforeAll(async () => {
    cp = await startControlPlaneHarness(target.options);
  });
  afterAll(async () => cp?.close());

  const stored = async (count: number) => {
    for (let i = 0; i < 200 && (await cp.database.prisma.usageEvent.count()) < count; i++) await new Promise((r) => setTimeout(r, 25));
  };

  it('crossing 50 % and 80 % of a soft budget yields exactly two alerts, once each, to a subscriber', async () => {
    const admin = gqlKit(cp);
    const team = await admin.team({ slug: 'alerts' });
    const key = await admin.apiKey({ teamId: team.id });
    const budget = await admin.ok('setBudget', {
      input: { scope: 'KEY', scopeId: key.apiKey.id, amount: 10_000, period: 'MONTHLY', hard: false, alertThresholds: [50, 80, 100] },
    });
    const token = (await admin.member(team.id, 'VIEWER', 'alerts@example.com')).token;
    const client = wsClient(cp.controlPlane.url, token);
    try {
      const alerts = subscribe(client, 'subscription($t: ID!) { budgetAlerts(teamId: $t) { budgetId threshold spent amount } }', { t: team.id });
      // The subscription is set up asynchronously and has no first value to wait for.
      await new Promise((r) => setTimeout(r, 200));
      const send = (cost: number) => cp.bus.publishUsage(usageEvent(team.id, key.apiKey.id, { costMicroUsd: cost }));
      await send(3000); // 30 %
      await stored(1);
      await send(2500); // 55 %: crosses 50
      const first = (await nextWithin(alerts)).value.data.budgetAlerts;
      expect(first).toEqual({ budgetId: budget.id, threshold: 50, spent: '5500', amount: '10000' });
      await send(1000); // 65 %: nothing new
      await send(2000); // 85 %: crosses 80
      const second = (await nextWithin(alerts)).value.data.budgetAlerts;
      expect(second).toEqual({ budgetId: budget.id, threshold: 80, spent: '8500', amount: '10000' });
      await send(500); // 90 %: nothing new
      await stored(5);
      // Redelivery of a batch (or another control plane running the check) adds nothing.
      const again = usageEvent(team.id, key.apiKey.id, { costMicroUsd: 0 });
      await cp.bus.publishUsage(again);
      await cp.bus.publishUsage(again);
      await stored(6);
      const racing = nextWithin(alerts, 500).then(
        () => 'another alert',
        () => 'none',
      );
      expect(await racing).toBe('none');
      await alerts.return?.();

      const listed = await gqlKit(cp, token).query('budgetAlerts', { teamId: team.id }, 'edges { node { threshold spent teamId } }');
      expect(listed.result.edges.map((e: any) => e.node)).toEqual([
        { threshold: 80, spent: '8500', teamId: team.id },
        { threshold: 50, spent: '5500', teamId: team.id },
      ]);
      expect(await cp.database.prisma.budgetAlert.count({ where: { teamId: team.id } })).toBe(2);
    } finally {
      await client.dispose();
    }
  });
});
