import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { teamBudgetStatus } from '../../control-plane/domain/budgets/budget-status.ts';
import { creditBalance } from '../../control-plane/domain/credits/credits.ts';
import { createUsageIngestor } from '../../control-plane/usage/ingest-usage.ts';
import { repairLedger } from '../../control-plane/usage/ledger-repair.ts';
import { createLiveEvents } from '../../control-plane/usage/live-events.ts';
import { applyRetention } from '../../control-plane/usage/retention.ts';
import { createPartitionsAhead, usagePartitions } from '../../control-plane/usage/usage-partitions.ts';
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
      h.database,
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

  it('partitions raw events by day: each event once across days, late days filled from the default, expired days dropped whole', async () => {
    const prisma = h.database.prisma;
    // Far enough ahead of the clock that these days are this test's own.
    const now = new Date('2031-03-15T08:00:00.000Z');
    const run = randomBytes(3).toString('hex');
    const team = await prisma.team.create({ data: { name: run, slug: `part-${run}` } });
    const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
    const created = await createPartitionsAhead(prisma, new Date(now.getTime() - 20 * DAY), 24);
    expect(created[0]).toBe('UsageEvent_p20310223');
    expect(created.at(-1)).toBe('UsageEvent_p20310319');
    expect(await createPartitionsAhead(prisma, new Date(now.getTime() - 20 * DAY), 24)).toEqual([]);

    const ingest = createUsageIngestor(h.database, createLiveEvents());
    // The day after the last partition has none yet: its event waits in the default partition.
    // The last one with microseconds, as a data plane may send them: stored rounded up to the next millisecond.
    const batch = [-15, -9, -1, 0, 5].map((days) =>
      usageEvent(team.id, 'k', { costMicroUsd: 100, startedAt: days === 5 ? at(days).replace('.000Z', '.999600Z') : at(days) }),
    );
    await ingest(batch);
    // Redelivered (its first consumer died after the commit, before publishing): nothing stored
    // twice, whatever the day, and every row published again with the createdAt it was stored with.
    const live = createLiveEvents();
    const republished = live.subscribe('storedUsage', team.id);
    const seen: { id: string; createdAt: Date }[] = [];
    const received = (async () => {
      for await (const { event, createdAt } of republished) {
        seen.push({ id: event.id, createdAt });
        if (seen.length === batch.length) break;
      }
    })();
    await new Promise((resolve) => setImmediate(resolve)); // the subscription listens from its first read on
    await createUsageIngestor(h.database, live)(batch);
    await Promise.race([received, new Promise((resolve) => setTimeout(resolve, 5000))]); // a missing row shows in the comparison below
    expect(await prisma.usageEvent.count({ where: { teamId: team.id } })).toBe(5);
    const stored = await prisma.usageEvent.findMany({ where: { teamId: team.id }, select: { id: true, createdAt: true } });
    expect(new Map(seen.map((r) => [r.id, r.createdAt.getTime()]))).toEqual(new Map(stored.map((r) => [r.id, r.createdAt.getTime()])));
    const where = async (id: string) =>
      (await prisma.$queryRawUnsafe<{ p: string }[]>(`SELECT tableoid::regclass::text AS p FROM "UsageEvent" WHERE "id" = $1`, id))[0]?.p.replace(/^.*\./, '');
    expect(await where(batch[0]!.id)).toBe('"UsageEvent_p20310228"');
    expect(await where(batch[4]!.id)).toBe('"UsageEvent_default"');

    // Creating that day moves its event out of the default, in the same transaction.
    expect(await createPartitionsAhead(prisma, now, 5)).toEqual(['UsageEvent_p20310320']);
    expect(await where(batch[4]!.id)).toBe('"UsageEvent_p20310320"');
    await ingest(batch);
    expect(await prisma.usageEvent.count({ where: { teamId: team.id } })).toBe(5);

    const result = await applyRetention(prisma, 7, now);
    expect(result.partitionsDropped).toContain('UsageEvent_p20310228');
    expect(result.partitionsDropped).toContain('UsageEvent_p20310307');
    expect(result.partitionsDropped).not.toContain('UsageEvent_p20310308');
    expect(result.rawEventsDeleted).toBe(0);
    const left = (await usagePartitions(prisma)).filter((p) => p.from !== null && p.from >= new Date('2031-01-01'));
    expect(left[0]?.name).toBe('UsageEvent_p20310308');
    expect(await prisma.usageEvent.count({ where: { teamId: team.id } })).toBe(3);
    // Budget and credit history outlive the dropped days.
    expect((await creditBalance(prisma, team.id)).spentMicroUsd).toBe(500n);
  }, 60_000);
});
