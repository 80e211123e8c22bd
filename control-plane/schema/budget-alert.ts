import { findTeamOrThrow } from '../domain/teams/teams.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { withDomainErrors } from './errors.ts';

builder.prismaObject('BudgetAlert', {
  description: 'A budget whose period spend reached one of its alert thresholds; recorded once per budget, period and threshold.',
  fields: (t) => ({
    id: t.exposeID('id'),
    budgetId: t.exposeID('budgetId', { description: 'A stored budget id, or `plan:<planId>:team:<teamId>` for a plan template.' }),
    teamId: t.exposeID('teamId'),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    threshold: t.exposeInt('threshold', { description: 'Percent of the amount.' }),
    spent: t.expose('spentMicroUsd', { type: 'MicroUSD', description: 'Period spend when the crossing was seen (stored usage).' }),
    amount: t.expose('amountMicroUsd', { type: 'MicroUSD' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  budgetAlerts: t.prismaConnection({
    type: 'BudgetAlert',
    cursor: 'id',
    description: "The team's budget alerts, newest first. Another team's id answers like a missing one: empty.",
    args: { teamId: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.budgetAlert.findMany({
        ...query,
        where: { AND: [readable.budgetAlert(ctx.principal), { teamId: String(args.teamId) }] },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
}));

builder.subscriptionFields((t) => ({
  budgetAlerts: t.prismaField({
    type: 'BudgetAlert',
    description: 'Every new budget alert of the team, once, as soon as it is recorded.',
    args: { teamId: t.arg.id({ required: true }) },
    // Checked when subscribing: a foreign team is refused before any event could flow.
    subscribe: (_root, args, ctx) =>
      withDomainErrors(async () => {
        await findTeamOrThrow(ctx, String(args.teamId));
        return ctx.live.subscribe('budgetAlert', String(args.teamId));
      }),
    resolve: (_query, alert) => alert,
  }),
}));
