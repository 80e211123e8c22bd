import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBudgetAlertSweeper } from '../../control-plane/usage/budget-alert-sweeper.ts';
import { createUsageIngestor } from '../../control-plane/usage/ingest-usage.ts';
import { createLiveEvents } from '../../control-plane/usage/live-events.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { usageEvent } from '../support/usage-events.ts';

// Budget alerts are checked off the acknowledgement path (control-plane/usage/budget-alert-sweeper.ts):
// never lost when the check fails or the process dies between a commit and its check.

/** The client, with the alert inserts failing the first `failures` times. */
function alertInsertsFailing(prisma: PrismaClient, failures: number): PrismaClient {
  let left = failures;
  const budgetAlert = new Proxy(prisma.budgetAlert, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'createManyAndReturn') return value;
      return (...args: unknown[]) => (left-- > 0 ? Promise.reject(new Error('database hiccup')) : (value as Function).apply(target, args));
    },
  });
  return new Proxy(prisma, { get: (target, prop, receiver) => (prop === 'budgetAlert' ? budgetAlert : Reflect.get(target, prop, receiver)) });
}

forEachDatabase((target) => {
  let h: ControlPlaneHarness;
  beforeAll(async () => {
    h = await startControlPlaneHarness(target.options);
  }, 120_000);
  afterAll(async () => h?.close());

  async function teamWithBudget() {
    const prisma = h.database.prisma;
    const run = randomBytes(3).toString('hex');
    const team = await prisma.team.create({ data: { name: run, slug: `sweep-${run}` } });
    const budget = await prisma.budget.create({
      data: { scope: 'team', scopeId: team.id, teamId: team.id, period: 'total', amountMicroUsd: 10_000n, hard: false, alertThresholds: [50, 80] },
    });
    return { team, budget };
  }

  it('records the alerts of a batch whose check never ran (the process died after the commit) at the next start', async () => {
    const prisma = h.database.prisma;
    const { team, budget } = await teamWithBudget();
    // No sweeper: the events are committed, their check never happens.
    await createUsageIngestor(h.database, createLiveEvents())([usageEvent(team.id, 'k', { costMicroUsd: 6_000 })]);
    expect(await prisma.budgetAlert.count({ where: { budgetId: budget.id } })).toBe(0);

    const sweeper = createBudgetAlertSweeper(prisma, createLiveEvents());
    await sweeper.markAllWithBudgets();
    await sweeper.settled();
    await sweeper.close();
    const alerts = await prisma.budgetAlert.findMany({ where: { budgetId: budget.id } });
    expect(alerts.map((a) => [a.threshold, a.spentMicroUsd])).toEqual([[50, 6_000n]]);
  }, 60_000);

  it('retries a failed check until its alerts are recorded, each once, and publishes each once', async () => {
    const prisma = h.database.prisma;
    const { team, budget } = await teamWithBudget();
    const live = createLiveEvents();
    const published: number[] = [];
    const subscription = live.subscribe('budgetAlert', team.id);
    void (async () => {
      for await (const alert of subscription) published.push(alert.threshold);
    })();
    const sweeper = createBudgetAlertSweeper(alertInsertsFailing(prisma, 2), live);
    const ingest = createUsageIngestor(h.database, live, false, sweeper);
    const batch = [usageEvent(team.id, 'k', { costMicroUsd: 5_000 }), usageEvent(team.id, 'k', { costMicroUsd: 4_000 })];
    await ingest(batch);
    await ingest(batch); // redelivered: marks the team again, stores and alerts nothing twice
    await sweeper.settled();
    await sweeper.close();
    await new Promise((resolve) => setImmediate(resolve)); // let the subscriber take what was published
    await subscription.return?.();
    const alerts = await prisma.budgetAlert.findMany({ where: { budgetId: budget.id }, orderBy: { threshold: 'asc' } });
    expect(alerts.map((a) => [a.threshold, a.spentMicroUsd])).toEqual([
      [50, 9_000n],
      [80, 9_000n],
    ]);
    expect(published.sort()).toEqual([50, 80]);
  }, 60_000);
});
