import type { BudgetAlert, PrismaClient } from '../../generated/prisma/client.ts';
import type { SnapshotBudget } from '../../shared/snapshot/schema.ts';
import { recordBudgetAlerts } from '../domain/budgets/budget-alerts.ts';
import { type TeamBudgetsLoader, teamBudgetsFrom } from '../domain/budgets/budget-status.ts';
import { readConfigVersion } from '../snapshot/config-version.ts';
import type { LiveEvents } from './live-events.ts';

/**
 * Teams checked per statement group: bounds one check's size however many teams are dirty, so a
 * usage batch waits behind at most one group on PGlite (500 teams read in one statement held the
 * database for tens of ms).
 */
const TEAMS_PER_CHECK = 100;
const RETRY_DELAY_MS = 1000;
/**
 * A check starts at most this often. Under load every batch marks its teams, and a check of many
 * teams (500 teams: tens of ms of database work) run back to back with the stores took the
 * database from them: on PGlite (one connection, statements one at a time) each store waited
 * behind a check, and the ingestion lag's p99 went from about 100 ms to seconds.
 */
const CHECK_INTERVAL_MS = 1000;
/** Budget definitions cached longer than this are read again, even at the same config version. */
const BUDGETS_MAX_AGE_MS = 10_000;

export interface BudgetAlertSweeper {
  /** These teams' spend changed (or may have): check their budgets' thresholds soon. */
  markDirty(teamIds: Iterable<string>): void;
  /** Marks every team that has a budget (stored or from its plan): the check after a start. */
  markAllWithBudgets(): Promise<void>;
  /** Resolves when no team is waiting to be checked (tests, benchmarks). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Budget alerts, off the ingestion's acknowledgement path. Ingestion marks the teams of each
 * batch; one check at a time reads their spend counters and records the thresholds reached
 * (`recordBudgetAlerts`: idempotent, each alert unique per budget, period and threshold). Teams
 * marked while a check runs wait for the next one, which starts at most CHECK_INTERVAL_MS after
 * the previous one started, so under load one check covers many batches instead of one check per
 * batch holding up the next commit. A failed check keeps its teams
 * marked and is retried. An alert is therefore recorded shortly after the commit that crossed
 * its threshold, never lost: the teams marked when a process dies are checked again at the next
 * start (`markAllWithBudgets`), and any later spend of the team checks it too.
 */
export function createBudgetAlertSweeper(
  prisma: PrismaClient,
  live: LiveEvents,
  /** New budget alerts, after their insert (alert channels); must not throw nor wait. */
  onAlerts?: (alerts: BudgetAlert[]) => void,
): BudgetAlertSweeper {
  const dirty = new Set<string>();
  let running: Promise<void> | null = null;
  let retry: NodeJS.Timeout | null = null;
  let paced: NodeJS.Timeout | null = null;
  let lastCheck = Number.NEGATIVE_INFINITY;
  let closed = false;
  const waiters: (() => void)[] = [];
  const budgets = cachedTeamBudgets(prisma);

  /** Checks the teams marked so far (teams marked meanwhile wait for the next check). */
  async function sweep(): Promise<void> {
    const marked = [...dirty];
    for (let at = 0; at < marked.length && !closed; at += TEAMS_PER_CHECK) {
      const teams = marked.slice(at, at + TEAMS_PER_CHECK);
      for (const team of teams) dirty.delete(team);
      try {
        const alerts = await recordBudgetAlerts(prisma, teams, new Date(), budgets);
        for (const alert of alerts) live.publish('budgetAlert', alert.teamId, alert);
        if (onAlerts && alerts.length > 0) onAlerts(alerts);
      } catch {
        for (const team of teams) dirty.add(team);
        if (!closed) retry ??= setTimeout(() => ((retry = null), start()), RETRY_DELAY_MS).unref();
        return;
      }
    }
  }

  function start(): void {
    if (running || paced || closed) return;
    const wait = lastCheck + CHECK_INTERVAL_MS - Date.now();
    if (wait > 0) {
      paced = setTimeout(() => ((paced = null), start()), wait);
      return;
    }
    lastCheck = Date.now();
    running = sweep().finally(() => {
      running = null;
      if (dirty.size > 0 && !retry) start();
      else if (dirty.size === 0) for (const wake of waiters.splice(0)) wake();
    });
  }

  return {
    markDirty(teamIds) {
      for (const team of teamIds) dirty.add(team);
      start();
    },
    async markAllWithBudgets() {
      const [budgets, onPlans] = await Promise.all([
        prisma.budget.findMany({ where: { teamId: { not: null } }, select: { teamId: true }, distinct: ['teamId'] }),
        prisma.team.findMany({ where: { plan: { budgetAmountMicroUsd: { not: null } } }, select: { id: true } }),
      ]);
      this.markDirty([...budgets.map((b) => b.teamId!), ...onPlans.map((t) => t.id)]);
    },
    settled() {
      return dirty.size === 0 && !running ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (paced) clearTimeout(paced);
      await running;
      for (const wake of waiters.splice(0)) wake();
    },
  };
}

/**
 * Budget definitions for the alert check, cached per config version. Every mutation that changes
 * budgets or plans takes a new config version (control-plane/domain/mutate.ts), read here in one
 * primary-key lookup per check, so a check reads the teams' budgets only after a change, not
 * once per batch. The age bound covers rows written outside mutations (hand edits, tests).
 */
function cachedTeamBudgets(prisma: PrismaClient): TeamBudgetsLoader {
  const read = teamBudgetsFrom(prisma);
  const cache = new Map<string, SnapshotBudget[]>();
  let version = -1;
  let loadedAt = 0;
  return async (teamIds) => {
    const current = await readConfigVersion(prisma);
    if (current !== version || Date.now() - loadedAt > BUDGETS_MAX_AGE_MS) {
      cache.clear();
      version = current;
      loadedAt = Date.now();
    }
    const missing = teamIds.filter((id) => !cache.has(id));
    if (missing.length > 0) for (const [id, list] of await read(missing)) cache.set(id, list);
    return new Map(teamIds.map((id) => [id, cache.get(id) ?? []]));
  };
}
