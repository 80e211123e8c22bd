import { z } from 'zod';
import type { GraphQLContext } from '../../context.ts';
import { canReadTeam, requirePlatformAdmin, requireTeamRole } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { checkReferences, defined, displayName, id, slug } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

const systemPrompt = z.string().max(20_000).nullish();

export const CreateTeamInput = z.object({
  name: displayName,
  slug: slug.describe('Lowercase letters, digits and dashes; unique.'),
  systemPrompt,
  planId: id.nullish(),
  routingProfileId: id.nullish(),
  fallbackChainId: id.nullish(),
});

/** Fields a team's own admins may change. */
export const UpdateTeamInput = z.object({
  id,
  name: displayName.optional(),
  systemPrompt,
  /** Null leaves it as it is (the column is not nullable). */
  logPrompts: z
    .boolean()
    .nullish()
    .transform((value) => value ?? undefined)
    .describe('Prompt and completion logging (PII-masked) for the team.'),
  routingProfileId: id.nullish(),
  fallbackChainId: id.nullish(),
});

/** Creates a team (platform admin). Its plan, if any, applies from the next snapshot. */
export async function createTeam(ctx: GraphQLContext, input: unknown) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(CreateTeamInput, input);
  return runMutation(ctx, 'createTeam', async (tx) => {
    await checkReferences(tx, data);
    const team = await withConflictCheck('slug', `a team with slug "${data.slug}" already exists`, () =>
      tx.team.create({
        data: {
          name: data.name,
          slug: data.slug,
          systemPrompt: data.systemPrompt ?? null,
          planId: data.planId ?? null,
          routingProfileId: data.routingProfileId ?? null,
          fallbackChainId: data.fallbackChainId ?? null,
        },
      }),
    );
    return { result: team, audit: { entity: 'Team', entityId: team.id, teamId: team.id, changes: data } };
  });
}

/** Name, system prompt and defaults: the team's admins and owners, or the platform admin. */
export async function updateTeam(ctx: GraphQLContext, input: unknown) {
  const data = validate(UpdateTeamInput, input);
  requireTeamRole(ctx.principal, data.id, 'admin', 'Team', data.id);
  return runMutation(ctx, 'updateTeam', async (tx) => {
    await findTeamIn(tx, data.id);
    await checkReferences(tx, data);
    const { id: teamId, ...changes } = data;
    const team = await tx.team.update({ where: { id: teamId }, data: defined(changes) });
    return { result: team, audit: { entity: 'Team', entityId: team.id, teamId: team.id, changes } };
  });
}

export const SetTeamPlanInput = z.object({ teamId: id, planId: id.nullish().describe('Null: no plan.') });
export const SetTeamBlockedInput = z.object({ teamId: id, blocked: z.boolean() });

/**
 * Moves a team to another plan (or none). The plan's models, limits, budget template, markup and
 * billing all follow from `planId` at compile time, so they change together in one snapshot.
 */
export async function setTeamPlan(ctx: GraphQLContext, input: z.input<typeof SetTeamPlanInput>) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(SetTeamPlanInput, input);
  return runMutation(ctx, 'setTeamPlan', async (tx) => {
    const before = await findTeamIn(tx, data.teamId);
    await checkReferences(tx, { planId: data.planId });
    const team = await tx.team.update({ where: { id: data.teamId }, data: { planId: data.planId ?? null } });
    return { result: team, audit: { entity: 'Team', entityId: team.id, teamId: team.id, changes: { planId: { from: before.planId, to: team.planId } } } };
  });
}

/** Blocks (every request refused) or unblocks a team: the platform admin. */
export async function setTeamBlocked(ctx: GraphQLContext, input: z.input<typeof SetTeamBlockedInput>) {
  requirePlatformAdmin(ctx.principal);
  const data = validate(SetTeamBlockedInput, input);
  return runMutation(ctx, 'setTeamBlocked', async (tx) => {
    await findTeamIn(tx, data.teamId);
    const team = await tx.team.update({ where: { id: data.teamId }, data: { blocked: data.blocked } });
    return { result: team, audit: { entity: 'Team', entityId: team.id, teamId: team.id, changes: { blocked: data.blocked } } };
  });
}

/** Deletes a team with its keys, members, BYOK providers, budgets and credit ledger. */
export async function deleteTeam(ctx: GraphQLContext, teamId: string) {
  requirePlatformAdmin(ctx.principal);
  return runMutation(ctx, 'deleteTeam', async (tx) => {
    const team = await findTeamIn(tx, teamId);
    await tx.team.delete({ where: { id: teamId } });
    return { result: team.id, audit: { entity: 'Team', entityId: team.id, teamId: team.id, changes: { slug: team.slug, name: team.name } } };
  }).then(async (deleted) => {
    // Its members are gone with it: their open subscriptions end now.
    await ctx.credentialsChanged().catch(() => undefined);
    return deleted;
  });
}

/** The team, if it exists and the caller may see it; NotFound otherwise (the same answer for both). */
export async function findTeamOrThrow(ctx: GraphQLContext, teamId: string) {
  if (!canReadTeam(ctx.principal, teamId)) throw new NotFoundError('Team', teamId);
  return findTeamIn(ctx.prisma, teamId);
}

export async function findTeamIn(db: Pick<Tx, 'team'>, teamId: string) {
  const team = await db.team.findUnique({ where: { id: teamId } });
  if (!team) throw new NotFoundError('Team', teamId);
  return team;
}
