import { RerateInput as RerateSchema, rerate } from '../domain/models/rerate.ts';
import { builder } from './builder.ts';
import { inputTypeFrom } from './zod-input.ts';

interface RerateOutcome {
  id: string;
  attempts: number;
  adjusted: number;
  deltaMicroUsd: bigint;
  unpriced: number;
  counters: number | null;
}

const Rerate = builder.objectRef<RerateOutcome>('Rerate').implement({
  description: 'What one re-rating did. Its adjustment rows are usage events whose `adjustmentOf` names the attempt they correct.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Adjustment rows have ids `<attempt id>:rerate:<this id>`; the audit entry has it as entityId.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts of the period looked at (cache hits, priced per hit, are not re-rated).' }),
    adjusted: t.exposeInt('adjusted', { description: 'Attempts whose cost changed: one adjustment row each.' }),
    delta: t.expose('deltaMicroUsd', {
      type: 'MicroUSD',
      description: 'Sum of the adjustments, signed integer micro-USD (negative: the teams are charged less).',
    }),
    unpriced: t.exposeInt('unpriced', { description: 'Attempts left as they are: their model is gone or had no price version at their start.' }),
    counters: t.exposeInt('counters', {
      nullable: true,
      description:
        "The data planes' money counters in Redis (budgets' current periods, credits) moved by the adjustments, so enforcement agrees with the ledger at once; 0 without Redis or when no current period changed; null when Redis did not take the change (the ledger is right; the counters keep the old spend).",
    }),
  }),
});

const RerateInput = inputTypeFrom('RerateInput', RerateSchema);

builder.mutationFields((t) => ({
  rerate: t.field({
    type: Rerate,
    description:
      'Platform admin. After a price correction (`setModelPrice` with `corrects`), recomputes the cost of stored usage of [from, to) under the price versions in force at each attempt, and records each difference as a new adjustment row (stored rows are never edited), with the daily and budget-period counters and the credit balance moved by the same amount, and an audit entry, in one transaction. Re-rating again adds nothing.',
    args: { input: t.arg({ type: RerateInput, required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => rerate(ctx, args.input),
  }),
}));
