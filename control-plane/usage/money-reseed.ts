import type { PrismaClient } from '../../generated/prisma/client.ts';
import { periodOf, periodStart } from '../../shared/budgets/periods.ts';
import {
  budgetCounterExpiresAt,
  budgetCounterName,
  creditsCounterName,
  type MoneyCounterSeed,
  type MoneyEpochStore,
  modelCounterGroup,
  teamCounterGroup,
} from '../../shared/money/money-counters.ts';
import type { BudgetPeriod } from '../../shared/snapshot/schema.ts';
import { readSpend, type SpendCell } from './spend-counters.ts';

/** Reads and lists through a client or an interactive transaction. */
type Db = Pick<PrismaClient, 'budget' | 'apiKey' | 'usageSpend' | '$queryRawUnsafe'>;

type BudgetRow = { scope: string; scopeId: string; period: string };

/** A budget's counter in Redis for the current period: its name, group and expiry, and the ledger cell it mirrors. */
export interface BudgetCounter extends SpendCell {
  counter: string;
  group: string;
  expiresAtMs: number | null;
}

/**
 * The current period's counter of each budget, as the data plane names it. A key's counters sit
 * in its team's counter group (one Redis Cluster slot); a model's in its own.
 */
export async function budgetCounters(db: Db, budgets: readonly BudgetRow[], now: number): Promise<BudgetCounter[]> {
  const keyIds = budgets.filter((b) => b.scope === 'key').map((b) => b.scopeId);
  const keyTeams = new Map(
    keyIds.length === 0 ? [] : (await db.apiKey.findMany({ where: { id: { in: keyIds } }, select: { id: true, teamId: true } })).map((k) => [k.id, k.teamId]),
  );
  const cells = new Map<string, BudgetCounter>();
  for (const b of budgets) {
    const period = b.period as BudgetPeriod;
    const scope = b.scope as SpendCell['scope'];
    const current = periodOf(period, now);
    const counter = budgetCounterName(scope, b.scopeId, period, current.key);
    const expiresAtMs = budgetCounterExpiresAt(current.endsAtMs);
    const group = scope === 'model' ? modelCounterGroup(b.scopeId) : teamCounterGroup(scope === 'team' ? b.scopeId : (keyTeams.get(b.scopeId) ?? ''));
    cells.set(counter, { scope, scopeId: b.scopeId, period, periodStart: periodStart(period, now), counter, group, expiresAtMs });
  }
  return [...cells.values()];
}

/**
 * The ledger's spend for every key, team and model budget's current period, and every team's
 * credit spend, as the data plane's Redis counters name them. Model budgets count the events of
 * requests for the model (`budgetModelId`), as the data plane charges them.
 */
export async function moneySeeds(prisma: Db, now: number): Promise<MoneyCounterSeed[]> {
  const budgets = await prisma.budget.findMany({ select: { scope: true, scopeId: true, period: true } });
  const cells = await budgetCounters(prisma, budgets, now);
  const spend = await readSpend(prisma, cells);
  const seeds: MoneyCounterSeed[] = cells.map((c) => ({
    counter: c.counter,
    group: c.group,
    spentMicroUsd: Number(spend(c)),
    expiresAtMs: c.expiresAtMs,
  }));
  const credits = await prisma.usageSpend.groupBy({
    by: ['scopeId'],
    where: { scope: 'team', period: 'total', periodStart: new Date(0) },
    _sum: { creditMicroUsd: true },
  });
  for (const c of credits)
    seeds.push({
      counter: creditsCounterName(c.scopeId),
      group: teamCounterGroup(c.scopeId),
      spentMicroUsd: Number(c._sum.creditMicroUsd ?? 0n),
      expiresAtMs: null,
    });
  return seeds.filter((s) => s.spentMicroUsd > 0);
}

/**
 * Re-seeds the money counters from the ledger when the epoch is missing (Redis restarted empty,
 * or first start): until then the data planes stay on their local share. Resolves the number of
 * counters written, or null when the epoch was there.
 */
export async function reseedMoneyIfUnseeded(prisma: PrismaClient, epoch: MoneyEpochStore, now = Date.now()): Promise<number | null> {
  if (await epoch.present()) return null;
  const seeds = await moneySeeds(prisma, now);
  await epoch.reseed(seeds);
  return seeds.length;
}
