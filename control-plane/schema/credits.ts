import { type CreditBalance as Balance, GrantCreditsInput as GrantCreditsSchema, grantCredits } from '../domain/credits/credits.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { inputTypeFrom } from './zod-input.ts';

export const CreditBalance = builder.objectRef<Balance>('CreditBalance').implement({
  description: 'Prepaid credits of a team from its ledger, in integer micro-USD.',
  fields: (t) => ({
    granted: t.expose('grantedMicroUsd', { type: 'MicroUSD' }),
    spent: t.expose('spentMicroUsd', { type: 'MicroUSD', description: 'Spend recorded in the ledger.' }),
    balance: t.expose('balanceMicroUsd', { type: 'MicroUSD' }),
  }),
});

builder.prismaObject('CreditTransaction', {
  description: "One row of a team's credit ledger. Append-only.",
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.exposeString('kind', { description: 'grant, spend or adjustment.' }),
    amount: t.expose('amountMicroUsd', { type: 'MicroUSD', description: 'Signed: grants positive, spend negative.' }),
    reason: t.exposeString('reason'),
    actor: t.exposeString('actor', { description: '`admin` or `member:<id>`.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  creditTransactions: t.prismaConnection({
    type: 'CreditTransaction',
    cursor: 'id',
    args: { teamId: t.arg.id({ required: true }), kind: t.arg.string() },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.creditTransaction.findMany({
        ...query,
        where: { AND: [readable.creditTransaction(ctx.principal), { teamId: String(args.teamId), kind: args.kind ?? undefined }] },
        orderBy: { createdAt: 'desc' },
      }),
  }),
}));

const GrantCreditsInput = inputTypeFrom('GrantCreditsInput', GrantCreditsSchema, {
  fields: { amountMicroUsd: { name: 'amount', description: 'Positive integer micro-USD.' } },
});

builder.mutationFields((t) => ({
  grantCredits: t.prismaField({
    type: 'CreditTransaction',
    description: 'Platform admin. Adds prepaid credits to a team, with a reason, in its ledger.',
    args: { input: t.arg({ type: GrantCreditsInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => {
      const { amount, ...rest } = args.input;
      return grantCredits(ctx, { ...rest, amountMicroUsd: amount });
    },
  }),
}));
