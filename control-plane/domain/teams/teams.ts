import { z } from 'zod';
import type { ControlPlaneServices } from '../../context.ts';
import { NotFoundError } from '../errors.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

export const CreateTeamInput = z.object({
  name: z.string().trim().min(1, 'name is required').max(200),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'slug must be lowercase letters, digits and dashes (max 63)'),
  systemPrompt: z.string().max(20_000).nullish(),
});

export async function createTeam(services: ControlPlaneServices, input: unknown) {
  const data = validate(CreateTeamInput, input);
  const team = await withConflictCheck('slug', `a team with slug "${data.slug}" already exists`, () =>
    services.prisma.team.create({ data: { name: data.name, slug: data.slug, systemPrompt: data.systemPrompt ?? null } }),
  );
  await services.snapshots.publish();
  return team;
}

export async function findTeamOrThrow(services: ControlPlaneServices, id: string) {
  const team = await services.prisma.team.findUnique({ where: { id } });
  if (!team) throw new NotFoundError('Team', id);
  return team;
}
