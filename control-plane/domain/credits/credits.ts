import { z } from 'zod';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import type { GraphQLContext } from '../../context.ts';
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
  /** Spend rows of the ledger (negative amounts), as a positive number. */
  spentMicroUsd: bigint;
  balanceMicroUsd: bigint;
}

/** Sums the ledger of one team: grants, spend, and what is left. */
export async function creditBalance(prisma: Pick<PrismaClient, 'creditTransaction'>, teamId: string): Promise<CreditBalance> {
  const sums = await prisma.creditTransaction.groupBy({ by: ['kind'], where: { teamId }, _sum: { amountMicroUsd: true } });
  const sum = (kind: string) => sums.find((s) => s.kind === kind)?._sum.amountMicroUsd ?? 0n;
  const granted = sum('grant');
  const balance = sums.reduce((total, s) => total + (s._sum.amountMicroUsd ?? 0n), 0n);
  return { grantedMicroUsd: granted, spentMicroUsd: -sum('spend'), balanceMicroUsd: balance };
}
