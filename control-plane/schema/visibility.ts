import type { GraphQLContext } from '../context.ts';
import { NotFoundError } from '../domain/errors.ts';

/** Throws NotFound (never Forbidden: a foreign id looks like a missing one) unless visible. */
export async function requireTeamVisible(ctx: GraphQLContext, teamId: string): Promise<void> {
  const team = await ctx.prisma.team.findUnique({ where: { id: teamId }, select: { id: true } });
  if (!team || ctx.principal.kind !== 'admin') throw new NotFoundError('Team', teamId);
}
