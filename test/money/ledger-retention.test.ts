import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { teamBudgetStatus } from '../../control-plane/domain/budgets/budget-status.ts';
import { creditBalance } from '../../control-plane/domain/credits/credits.ts';
import { createUsageIngestor } from '../../control-plane/usage/ingest-usage.ts';
import { repairLedger } from '../../control-plane/usage/ledger-repair.ts';
import { createLiveEvents } from '../../control-plane/usage/live-events.ts';
import { applyRetention } from '../../control-plane/usage/retention.ts';
import { usageRollup } from '../../control-plane/usage/usage-rollup.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { usageEvent } from '../support/usage-events.ts';

const NOW = new Date('2026-06-15T08:00:00.000Z');
const DAY = 86_400_000;

forEachDatabase((target) => {
  let h: ControlPlaneHarness;
  beforeAll(async () => {
    h = await startControlPlaneHarness(target.options);
  }, 120_000);
  afterAll(async () => h?.close());

  it('expires raw events after N whole days; rollups, budgets and credits keep their history; repair still agrees', async () => {
    const prisma = h.database.prisma;
    const run = randomBytes(3).toString('hex');
    const team = await prisma.team.create({ data: { name: run, slug: `ret-${run}` } });
    await prisma.budget.create({ data: { scope: 'team', scopeId: team.id, teamId: team.id, period: 'monthly', amountMicroUsd: 10_000n, alertThresholds: [] } });
    const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();
    await createUsageIngestor(
      prisma,
      createLiveEvents(),
    )([
      usageEvent(team.id, 'k', { costMicroUsd: 100, startedAt: at(40) }),
      usageEvent(team.id, 'k', { costMicroUsd: 200, startedAt: at(10) }),
      usageEvent(team.id, 'k', { costMicroUsd: 300, startedAt: at(2) }),
      usageEvent(team.id, 'k', { costMicroUsd: 400, startedAt: at(0) }),
    ]);

    const result = await applyRetention(prisma, 7, NOW);
    expect(result.cutoff?.toISOString()).toBe('2026-06-08T00:00:00.000Z');
    expect(await prisma.usageEvent.count({ where: { teamId: team.id } })).toBe(2);
    // What the counters answer is unchanged: all history, at day resolution.
    const rollup = await usageRollup(prisma, { teamId: team.id, groupBy: ['DAY'], from: new Date(0), to: NOW });
    expect(rollup.map((r) => [r.day, r.cost])).toEqual([
      ['2026-05-06', 100n],
      ['2026-06-05', 200n],
      ['2026-06-13', 300n],
      ['2026-06-15', 400n],
    ]);
    expect((await teamBudgetStatus(prisma, team.id, NOW)).budgets[0]?.spentMicroUsd).toBe(900n);
    expect((await creditBalance(prisma, team.id)).spentMicroUsd).toBe(1000n);
    // Repair recomputes only what raw events still cover: no false differences for expired days.
    expect((await repairLedger(prisma, { fix: false, now: NOW })).differences).toEqual([]);
    // Idempotent.
    expect((await applyRetention(prisma, 7, NOW)).rawEventsDeleted).toBe(0);
  }, 60_000);
});
