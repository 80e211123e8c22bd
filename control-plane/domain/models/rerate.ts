import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { MoneyCounterChange } from '../../../shared/money/money-counters.ts';
import type { GraphQLContext } from '../../context.ts';
import { rerateCounterChanges } from '../../usage/rerate-counters.ts';
import { rerateLedger } from '../../usage/rerate-ledger.ts';
import { rawEventsKeptFrom } from '../../usage/retention.ts';
import { requirePlatformAdmin } from '../access.ts';
import { ValidationError } from '../errors.ts';
import { id, modelName } from '../fields.ts';
import { runMutation } from '../mutate.ts';
import { validate } from '../validate.ts';

export const RerateInput = z
  .object({
    teamId: id.nullish().describe('Only this team; default every team.'),
    model: modelName.nullish().describe('Only this model (its public name); default every model.'),
    from: z.date().describe('Attempts started at or after.'),
    to: z.date().describe('Attempts started before.'),
  })
  .refine((r) => r.from < r.to, { path: ['to'], message: '`to` must be after `from`' });

/**
 * Platform admin. Recomputes the cost of the stored attempts that started in [from, to) (of one
 * team and one model when given) under the price versions stored now, after a price correction;
 * records the differences as adjustment rows (control-plane/usage/rerate-ledger.ts) and one audit
 * entry, in one transaction. Raw events that retention deleted cannot be re-rated: a period
 * reaching before them is refused.
 */
export async function rerate(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(RerateInput, input);
  let changes: MoneyCounterChange[] = [];
  const result = await runMutation(ctx, 'rerate', async (tx) => {
    const keptFrom = await rawEventsKeptFrom(tx);
    if (data.from < keptFrom) {
      throw new ValidationError([{ path: 'from', message: `raw usage events before ${keptFrom.toISOString()} have expired and cannot be re-rated` }]);
    }
    const teams = await tx.team.findMany({ select: { id: true, plan: { select: { markupBasisPoints: true } } } });
    const markup = new Map(teams.map((t) => [t.id, t.plan?.markupBasisPoints ?? 0]));
    const rerateId = randomUUID();
    const outcome = await rerateLedger(tx, data, rerateId, (teamId) => markup.get(teamId) ?? 0);
    // What the adjustments moved the current periods' counters by, read in the same transaction.
    if (ctx.moneyCounters && outcome.adjusted > 0) changes = await rerateCounterChanges(tx, rerateId, data, Date.now());
    return {
      result: { id: rerateId, ...outcome },
      audit: { entity: 'Rerate', entityId: rerateId, teamId: data.teamId ?? null, changes: { ...data, ...outcome } },
      // Only stored usage changes: no snapshot carries it.
      snapshot: false,
    };
  });
  return { ...result, counters: await moveCounters(ctx, result.id, changes) };
}

/** Tries to move the counters this often; the move is once per re-rating, so a retry is safe. */
const COUNTER_MOVE_TRIES = 3;

/**
 * After the commit, the data planes' Redis counters (budgets, credits) move by what the ledger's
 * moved by, so the next request is admitted or refused on the re-rated spend. Retried (with the
 * re-rating's id, so the counters move at most once) while Redis does not answer. The number moved;
 * null when Redis did not take it (the ledger is right, the counters keep the old spend: the
 * caller is told, and a re-seed after Redis restarts empty takes the ledger's values).
 */
async function moveCounters(ctx: GraphQLContext, rerateId: string, changes: MoneyCounterChange[]): Promise<number | null> {
  if (!ctx.moneyCounters || changes.length === 0) return 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.moneyCounters.adjust(rerateId, changes);
      return changes.length;
    } catch (error) {
      if (attempt < COUNTER_MOVE_TRIES) {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      console.warn(`rerate: the Redis money counters were not moved after ${attempt} tries: ${(error as Error).message}`);
      return null;
    }
  }
}
