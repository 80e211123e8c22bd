import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashSecret } from '../../../shared/keys/api-key.ts';
import type { GraphQLContext } from '../../context.ts';
import { canAssignRole, requireTeamRole, TEAM_ROLES } from '../access.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { defined, id } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { withConflictCheck } from '../prisma-errors.ts';
import { validate } from '../validate.ts';

/** Management tokens look like `tgm_<40 chars>`; only their SHA-256 is stored. */
export function generateManagementToken(): { token: string; prefix: string; hash: string } {
  const token = `tgm_${randomBytes(30).toString('base64url')}`;
  return { token, prefix: token.slice(0, 11), hash: hashSecret(token) };
}

const role = z.enum(TEAM_ROLES);

export const CreateMemberInput = z.object({
  teamId: id,
  email: z
    .email('email must be an email address')
    .max(320)
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().max(200).nullish(),
  role,
});

export const UpdateMemberInput = z.object({ id, name: z.string().trim().max(200).nullish(), role: role.optional() });

function requireAssignable(ctx: GraphQLContext, assigned: string) {
  if (!canAssignRole(ctx.principal, assigned as (typeof TEAM_ROLES)[number])) throw new ForbiddenError(`only an owner may give or take the ${assigned} role`);
}

/** Adds a person to a team; the management token is returned here, once. */
export async function createMember(ctx: GraphQLContext, input: unknown) {
  const data = validate(CreateMemberInput, input);
  requireTeamRole(ctx.principal, data.teamId, 'admin', 'Team', data.teamId);
  requireAssignable(ctx, data.role);
  const { token, prefix, hash } = generateManagementToken();
  return runMutation(ctx, 'createMember', async (tx) => {
    if (!(await tx.team.findUnique({ where: { id: data.teamId }, select: { id: true } }))) throw new NotFoundError('Team', data.teamId);
    const member = await withConflictCheck('email', `${data.email} is already a member of this team`, () =>
      tx.member.create({ data: { teamId: data.teamId, email: data.email, name: data.name ?? null, role: data.role, tokenPrefix: prefix, tokenHash: hash } }),
    );
    return { result: { member, token }, audit: { entity: 'Member', entityId: member.id, teamId: member.teamId, changes: data }, snapshot: false };
  });
}

/** Changes a member's name or role. Owners (and what makes an owner) are for owners. */
export async function updateMember(ctx: GraphQLContext, input: unknown) {
  const data = validate(UpdateMemberInput, input);
  return credentialsChanged(
    ctx,
    runMutation(ctx, 'updateMember', async (tx) => {
      const existing = await findMemberIn(ctx, tx, data.id, 'admin');
      requireAssignable(ctx, existing.role);
      if (data.role) requireAssignable(ctx, data.role);
      await keepAnOwner(tx, existing, data.role ?? existing.role);
      const { id: memberId, ...changes } = data;
      const member = await tx.member.update({ where: { id: memberId }, data: defined(changes) });
      return { result: member, audit: { entity: 'Member', entityId: member.id, teamId: member.teamId, changes }, snapshot: false };
    }),
  );
}

/** A new management token; the old one stops working at once. Members may rotate their own. */
export async function rotateMemberToken(ctx: GraphQLContext, memberId: string) {
  const { token, prefix, hash } = generateManagementToken();
  return credentialsChanged(
    ctx,
    runMutation(ctx, 'rotateMemberToken', async (tx) => {
      const self = ctx.principal.kind === 'member' && ctx.principal.memberId === memberId;
      const existing = await findMemberIn(ctx, tx, memberId, self ? 'viewer' : 'admin');
      if (!self) requireAssignable(ctx, existing.role);
      const member = await tx.member.update({ where: { id: memberId }, data: { tokenPrefix: prefix, tokenHash: hash } });
      return {
        result: { member, token },
        audit: { entity: 'Member', entityId: member.id, teamId: member.teamId, changes: { token: 'rotated' } },
        snapshot: false,
      };
    }),
  );
}

export async function deleteMember(ctx: GraphQLContext, memberId: string) {
  return credentialsChanged(
    ctx,
    runMutation(ctx, 'deleteMember', async (tx) => {
      const existing = await findMemberIn(ctx, tx, memberId, 'admin');
      requireAssignable(ctx, existing.role);
      await keepAnOwner(tx, existing, null);
      await tx.member.delete({ where: { id: memberId } });
      return {
        result: memberId,
        audit: { entity: 'Member', entityId: memberId, teamId: existing.teamId, changes: { email: existing.email } },
        snapshot: false,
      };
    }),
  );
}

/**
 * A team that has an owner keeps one: its last owner can be neither demoted nor removed, by
 * themselves or anyone else (the platform admin deletes the team instead). The team row is
 * written first, which locks it: two owners demoting each other at the same moment are
 * serialised, and the second one sees that it is now the last.
 */
async function keepAnOwner(tx: Tx, member: { id: string; teamId: string; role: string }, newRole: string | null) {
  if (member.role !== 'owner' || newRole === 'owner') return;
  await tx.team.update({ where: { id: member.teamId }, data: { updatedAt: new Date() }, select: { id: true } });
  const others = await tx.member.count({ where: { teamId: member.teamId, role: 'owner', id: { not: member.id } } });
  if (others === 0) {
    throw new ConflictError('a team must keep at least one owner: make another member owner before this one is demoted or removed', 'role');
  }
}

/**
 * After a committed change to who a member is (role, token, existence), every open subscription
 * re-checks its credentials before the mutation answers: the changed member's ones end then.
 */
async function credentialsChanged<T>(ctx: GraphQLContext, mutation: Promise<T>): Promise<T> {
  const result = await mutation;
  await ctx.credentialsChanged().catch(() => undefined);
  return result;
}

async function findMemberIn(ctx: GraphQLContext, tx: Tx, memberId: string, minimum: (typeof TEAM_ROLES)[number]) {
  const member = await tx.member.findUnique({ where: { id: memberId } });
  if (!member) throw new NotFoundError('Member', memberId);
  requireTeamRole(ctx.principal, member.teamId, minimum, 'Member', memberId);
  return member;
}
