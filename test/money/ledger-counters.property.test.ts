/**
 * The usage counters are exact: whatever the batches, redeliveries, duplicates and crashes
 * between the ingestion's statements, the counters equal a recompute from the raw events, and
 * budget status (now read from the counters) equals the old full scan over the raw events.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../control-plane/db/open-database.ts';
import { teamBudgetStatus } from '../../control-plane/domain/budgets/budget-status.ts';
import { creditBalance } from '../../control-plane/domain/credits/credits.ts';
import { createUsageIngestor } from '../../control-plane/usage/ingest-usage.ts';
import { repairLedger } from '../../control-plane/usage/ledger-repair.ts';
import { createLiveEvents } from '../../control-plane/usage/live-events.ts';
import { burnWindowStart } from '../../control-plane/usage/spend-counters.ts';
import { tagRollup } from '../../control-plane/usage/tag-rollup.ts';
import { usageRollup } from '../../control-plane/usage/usage-rollup.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { periodStart } from '../../shared/budgets/periods.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { BudgetPeriod } from '../../shared/snapshot/schema.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { forEachDatabase } from '../support/database-targets.ts';
import { usageEvent } from '../support/usage-events.ts';

const NOW = new Date('2026-03-31T12:34:56.000Z');
const DAY = 86_400_000;

/** The old answer: two SUMs over the raw events per budget (what budget status did before counters). */
async function fullScanStatus(prisma: PrismaClient, teamId: string, now: Date) {
  const budgets = await prisma.budget.findMany({ where: { teamId }, orderBy: { id: 'asc' } });
  return Promise.all(
    budgets.map(async (budget) => {
      const scope = budget.scope === 'key' ? { apiKeyId: budget.scopeId } : { teamId };
      const start = periodStart(budget.period as BudgetPeriod, now);
      const [period, burn] = await Promise.all([
        prisma.usageEvent.aggregate({ _sum: { costMicroUsd: true }, where: { ...scope, startedAt: { gte: start, lte: now } } }),
        prisma.usageEvent.aggregate({ _sum: { costMicroUsd: true }, where: { ...scope, startedAt: { gte: burnWindowStart(now), lte: now } } }),
      ]);
      const spent = period._sum.costMicroUsd ?? 0n;
      return {
        id: budget.id,
        spent,
        burn: (burn._sum.costMicroUsd ?? 0n) * 24n,
        thresholds: budget.alertThresholds.filter((pct) => spent * 100n >= budget.amountMicroUsd * BigInt(pct)),
      };
    }),
  );
}

/**
 * The database as the ingestor sees it, whose `crashAt`-th SQL statement (on Prisma or on the
 * ingestion's own connection, a transaction's included) throws: a process dying at that point.
 * Inside a transaction it rolls back; after a commit the rest is lost.
 */
function crashing(database: Pick<Database, 'prisma' | 'ledger'>, crashAt: number): Pick<Database, 'prisma' | 'ledger'> {
  let count = 0;
  const wrap = <T extends object>(client: T): T =>
    new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === '$transaction')
          return (fn: (tx: unknown) => Promise<unknown>, opts?: unknown) => (value as Function).call(target, (tx: object) => fn(wrap(tx)), opts);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (++count === crashAt) throw new Error('crash');
          return (value as Function).apply(target, args);
        };
      },
    });
  return { prisma: wrap(database.prisma), ledger: wrap(database.ledger) };
}

forEachDatabase((target) => {
  let h: ControlPlaneHarness;
  /** A second replica's ingestion on PostgreSQL (its own connection, so its own counter shard); PGlite has one writer. */
  let replica: Database | null = null;
  beforeAll(async () => {
    h = await startControlPlaneHarness(target.options);
    if (target.options.postgresUrl) replica = await openDatabase({ databaseUrl: target.options.postgresUrl, schema: h.schema });
  }, 120_000);
  afterAll(async () => {
    await replica?.close();
    await h?.close();
  });

  it('counters == recompute and budget status == the full scan, through random batches, redelivery, duplicates and crashes', async () => {
    const prisma = h.database.prisma;
    const ingest = createUsageIngestor(h.database, createLiveEvents());
    // Batches alternate between two replicas: the counters of one scope end up split over shards.
    const ingestOnReplica = createUsageIngestor(replica ?? h.database, createLiveEvents());
    const step = fc.record({
      events: fc.array(
        fc.record({
          n: fc.nat(40),
          key: fc.nat(2),
          ageMs: fc.oneof(fc.nat(3_600_000), fc.nat(45 * DAY)),
          cost: fc.nat(5_000),
          byok: fc.boolean(),
          attempt: fc.integer({ min: 1, max: 2 }),
        }),
        { minLength: 1, maxLength: 25 },
      ),
      redeliver: fc.boolean(),
      crashAt: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const run = randomBytes(4).toString('hex');
        const team = await prisma.team.create({ data: { name: run, slug: `t-${run}` } });
        const keys = await Promise.all(
          [0, 1, 2].map((i) =>
            prisma.apiKey.create({ data: { teamId: team.id, name: `k${i}`, prefix: `p${run}${i}`, hash: `h${run}${i}`, allowedModels: [] } }),
          ),
        );
        await prisma.budget.createMany({
          data: [
            { scope: 'team', scopeId: team.id, teamId: team.id, period: 'monthly', amountMicroUsd: 60_000n, alertThresholds: [50, 80, 100] },
            { scope: 'team', scopeId: team.id, teamId: team.id, period: 'daily', amountMicroUsd: 9_000n, alertThresholds: [50] },
            { scope: 'key', scopeId: keys[0]!.id, teamId: team.id, apiKeyId: keys[0]!.id, period: 'weekly', amountMicroUsd: 20_000n, alertThresholds: [90] },
            { scope: 'key', scopeId: keys[1]!.id, teamId: team.id, apiKeyId: keys[1]!.id, period: 'total', amountMicroUsd: 30_000n, alertThresholds: [] },
          ],
        });
        // The same n is the same event (same id, same content): a duplicate, whichever batch carries it.
        const event = (e: { n: number; key: number; ageMs: number; cost: number; byok: boolean; attempt: number }): UsageEvent =>
          usageEvent(team.id, keys[e.key]!.id, {
            id: `${run}-${e.n}:${e.attempt}`,
            requestId: `${run}-${e.n}`,
            attempt: e.attempt,
            costMicroUsd: e.cost,
            byok: e.byok,
            model: e.n % 2 ? 'm-a' : 'm-b',
            // The requested model, whose model budgets the request draws on (none on older events).
            budgetModelId: e.n % 5 === 0 ? undefined : `${run}-bm${e.n % 3 ? 'a' : 'b'}`,
            endUser: e.n % 3 ? null : 'u',
            // Overlapping tags, and none on some events (as from data planes before tags).
            tags: e.n % 4 === 0 ? undefined : [['a'], ['a', 'b'], ['b', 'c d']][e.n % 3],
            startedAt: new Date(NOW.getTime() - e.ageMs).toISOString(),
          });
        const content = new Map<string, UsageEvent>();
        const delivered: UsageEvent[][] = [];
        for (const s of steps) {
          const batch = s.events.map((e) => {
            const fresh = event(e);
            const first = content.get(fresh.id) ?? fresh;
            content.set(fresh.id, first);
            return first;
          });
          delivered.push(batch);
          if (s.crashAt !== undefined) {
            // The process dies somewhere in the batch; the bus delivers it again (at-least-once).
            await createUsageIngestor(crashing(h.database, s.crashAt), createLiveEvents())(batch).catch(() => undefined);
          }
          await (delivered.length % 2 ? ingest : ingestOnReplica)(batch);
          if (s.redeliver) await (delivered.length % 2 ? ingestOnReplica : ingest)(delivered[Math.floor(delivered.length / 2)]!);
        }
        const report = await repairLedger(prisma, { fix: false, now: NOW });
        expect(report.differences).toEqual([]);
        const status = await teamBudgetStatus(prisma, team.id, NOW);
        const byId = new Map(status.budgets.map((b) => [b.budget.id, b]));
        for (const old of await fullScanStatus(prisma, team.id, NOW)) {
          const now = byId.get(old.id)!;
          expect({ id: old.id, spent: now.spentMicroUsd, burn: now.burnRateMicroUsdPerDay, thresholds: now.thresholdsReached }).toEqual(old);
        }
        const stored = await prisma.usageEvent.aggregate({ where: { teamId: team.id }, _sum: { costMicroUsd: true }, _count: true });
        expect(stored._count).toBe(content.size);
        // Model budgets' counters equal a full scan of the events of requests for the model.
        for (const budgetModelId of [`${run}-bma`, `${run}-bmb`]) {
          const scan = await prisma.usageEvent.aggregate({ where: { budgetModelId }, _sum: { costMicroUsd: true } });
          const counter = await prisma.usageSpend.aggregate({
            where: { scope: 'model', scopeId: budgetModelId, period: 'total', periodStart: new Date(0) },
            _sum: { costMicroUsd: true },
          });
          expect(counter._sum.costMicroUsd ?? 0n).toBe(scan._sum.costMicroUsd ?? 0n);
        }
        const credits = await prisma.usageEvent.aggregate({ where: { teamId: team.id, byok: false }, _sum: { costMicroUsd: true } });
        expect((await creditBalance(prisma, team.id)).spentMicroUsd).toBe(credits._sum.costMicroUsd ?? 0n);
        // Each tag's counters equal a full scan of the events that carry it.
        const byTag = await tagRollup(prisma, { teamId: team.id, from: new Date(0), to: new Date(NOW.getTime() + DAY), byDay: false });
        for (const tag of ['a', 'b', 'c d']) {
          const scan = await prisma.usageEvent.aggregate({ where: { teamId: team.id, tags: { has: tag } }, _sum: { costMicroUsd: true }, _count: true });
          const row = byTag.find((r) => r.tag === tag);
          expect({ cost: row?.cost ?? 0n, attempts: row?.attempts ?? 0 }).toEqual({ cost: scan._sum.costMicroUsd ?? 0n, attempts: scan._count });
        }
        const rollup = await usageRollup(prisma, { teamId: team.id, groupBy: ['MODEL'], from: new Date(0), to: new Date(NOW.getTime() + DAY) });
        expect(rollup.reduce((sum, r) => sum + r.cost, 0n)).toBe(stored._sum.costMicroUsd ?? 0n);
        expect(rollup.reduce((sum, r) => sum + r.attempts, 0)).toBe(content.size);
      }),
      {
        numRuns: 12,
        // Random steps can leave the second replica nothing new to store (one step; its batches
        // duplicates, or stored first by the crashing run): this case always gives it a new row.
        examples: [
          [
            [
              { events: [{ n: 1, key: 0, ageMs: 1_000, cost: 700, byok: false, attempt: 1 }], redeliver: false, crashAt: undefined },
              { events: [{ n: 2, key: 1, ageMs: 2_000, cost: 300, byok: false, attempt: 1 }], redeliver: true, crashAt: undefined },
            ],
          ],
        ],
      },
    );
    // The two replicas wrote counter shards of their own, which every check above summed.
    if (replica) expect((await prisma.usageSpend.groupBy({ by: ['shard'] })).length).toBe(2);
  }, 240_000);

  it('ledger:repair reports a corrupted counter and restores it', async () => {
    const prisma = h.database.prisma;
    const team = await prisma.team.create({ data: { name: 'repair', slug: `repair-${randomBytes(3).toString('hex')}` } });
    await createUsageIngestor(h.database, createLiveEvents())([usageEvent(team.id, 'k', { costMicroUsd: 700, startedAt: NOW.toISOString(), tags: ['t'] })]);
    await prisma.$executeRawUnsafe(`UPDATE "UsageSpend" SET "costMicroUsd" = "costMicroUsd" + 1 WHERE "scopeId" = $1 AND "period" = 'daily'`, team.id);
    await prisma.$executeRawUnsafe(`DELETE FROM "UsageDaily" WHERE "teamId" = $1`, team.id);
    await prisma.$executeRawUnsafe(`UPDATE "UsageTagDaily" SET "requests" = 5 WHERE "teamId" = $1`, team.id);
    const found = await repairLedger(prisma, { fix: true, now: NOW });
    expect(found.differences.map((d) => [d.table, d.key.period ?? 'day', d.stored?.costMicroUsd ?? null, d.expected?.costMicroUsd ?? null])).toEqual(
      expect.arrayContaining([
        ['UsageDaily', 'day', null, '700'],
        ['UsageSpend', 'daily', '701', '700'],
      ]),
    );
    expect(found.differences.find((d) => d.table === 'UsageTagDaily')).toMatchObject({ stored: { requests: '5' }, expected: { requests: '1' } });
    expect((await repairLedger(prisma, { fix: false, now: NOW })).differences).toEqual([]);
    expect((await teamBudgetStatus(prisma, team.id, NOW)).budgets).toEqual([]);
    expect((await usageRollup(prisma, { teamId: team.id, groupBy: [], from: new Date(0), to: new Date(NOW.getTime() + DAY) }))[0]?.cost).toBe(700n);
  }, 60_000);
});
