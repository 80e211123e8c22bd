import type { Database } from '../control-plane/db/open-database.ts';
import { teamBudgetStatus } from '../control-plane/domain/budgets/budget-status.ts';
import { storeBatch } from '../control-plane/usage/ledger-sql.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { UsageEvent } from '../shared/events/usage-event.ts';

type Plan = { 'QUERY PLAN': string }[];
const text = (plan: Plan) => plan.map((row) => row['QUERY PLAN']).join('\n');

/**
 * `bench:ledger --explain`: EXPLAIN (ANALYZE, BUFFERS) of the statements whose cost must not grow
 * with the ledger, run on the bench's schema: a batch's store statement (the real one, through
 * storeBatch, rolled back) and a team's budget status reads (the real ones, through
 * teamBudgetStatus; its raw reads are explained instead of run, so its answer is empty).
 */
export async function explainLedger(db: Database, batch: UsageEvent[], teamId: string): Promise<string> {
  const plans: string[] = [];
  const rollback = new Error('rolled back');
  await db.prisma
    .$transaction(async (tx) => {
      await storeBatch(async (sql, params = []) => {
        plans.push(`store statement, ${batch.length} events:\n${text(await tx.$queryRawUnsafe<Plan>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ...params))}`);
        return [];
      }, batch);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  const explaining = new Proxy(db.prisma, {
    get(target, key) {
      if (key !== '$queryRawUnsafe') return Reflect.get(target, key);
      return async (sql: string, ...params: unknown[]) => {
        plans.push(`budget status read:\n${text(await target.$queryRawUnsafe<Plan>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ...params))}`);
        return [];
      };
    },
  }) as PrismaClient;
  await teamBudgetStatus(explaining, teamId);
  return plans.join('\n\n');
}
