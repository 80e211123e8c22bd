import { z } from 'zod';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import type { GraphQLContext } from '../../context.ts';
import { creditSpend } from '../../usage/spend-counters.ts';
import { actorOf, requirePlatformAdmin, requireTeamRole } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { id, positiveMicroUsd } from '../fields.ts';
import { runMutation } from '../mutate.ts';
import { validate } from '../validate.ts';

export const GrantCreditsInput = z.object({
  teamId: id,
  amountMicroUsd: positiveMicroUsd,
  reason: z.string().trim().min(1, 'say why the credits are granted').max(500),
});

/**
 * Adds prepaid credits to a team (platform admin). The ledger row and the audit entry commit
 * together; the team's total granted reaches the data planes in the next snapshot.
 */
export async function grantCredits(ctx: GraphQLContext, input: unknown) {
  const data = validate(GrantCreditsInput, input);
  requireTeamRole(ctx.principal, data.teamId, 'viewer', 'Team', data.teamId);
  requirePlatformAdmin(ctx.principal);
  return runMutation(ctx, 'grantCredits', async (tx) => {
    if (!(await tx.team.findUnique({ where: { id: data.teamId }, select: { id: true } }))) throw new NotFoundError('Team', data.teamId);
    const transaction = await tx.creditTransaction.create({
      data: { teamId: data.teamId, kind: 'grant', amountMicroUsd: data.amountMicroUsd, reason: data.reason, actor: actorOf(ctx.principal).label },
    });
    return { result: transaction, audit: { entity: 'CreditTransaction', entityId: transaction.id, teamId: data.teamId, changes: data } };
  });
}

export interface CreditBalance {
  grantedMicroUsd: bigint;
  /** What the usage ledger charged, bring-your-own-key usage excepted (it draws no credits). */
  spentMicroUsd: bigint;
  balanceMicroUsd: bigint;
}

/**
 * Grants from the credit ledger, spend from the team's all-time spend counter (kept with the
 * usage ledger, control-plane/usage/spend-counters.ts): the same figures the data planes
 * enforce (they count spend per request; the control plane stores every usage event once).
 * Meaningful for teams on a prepaid plan; a postpaid team's spend is billed instead.
 */
export async function creditBalance(prisma: Pick<PrismaClient, 'creditTransaction' | 'usageSpend'>, teamId: string): Promise<CreditBalance> {
  const [credits, spent] = await Promise.all([
    prisma.creditTransaction.aggregate({ where: { teamId }, _sum: { amountMicroUsd: true } }),
    creditSpend(prisma, teamId),
  ]);
  const granted = credits._sum.amountMicroUsd ?? 0n;
  return { grantedMicroUsd: granted, spentMicroUsd: spent, balanceMicroUsd: granted - spent };
}
