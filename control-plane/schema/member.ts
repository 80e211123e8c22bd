import { TEAM_ROLES } from '../domain/access.ts';
import {
  CreateMemberInput as CreateMemberSchema,
  createMember,
  deleteMember,
  rotateMemberToken,
  UpdateMemberInput as UpdateMemberSchema,
  updateMember,
} from '../domain/members/members.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { inputTypeFrom } from './zod-input.ts';

export const TeamRole = enumFrom('TeamRole', TEAM_ROLES, 'viewer < member < admin < owner; see docs/control-plane.md for the rights of each.');

builder.prismaObject('Member', {
  description: 'A person who manages a team through this API with a management token.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name', { nullable: true }),
    role: t.field({ type: TeamRole, resolve: (member) => member.role }),
    tokenPrefix: t.exposeString('tokenPrefix', { description: 'The first characters of the management token, to tell tokens apart.' }),
    team: t.relation('team'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  members: t.prismaConnection({
    type: 'Member',
    cursor: 'id',
    args: { teamId: t.arg.id({ required: true }), role: t.arg({ type: TeamRole }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.member.findMany({
        ...query,
        where: { AND: [readable.member(ctx.principal), { teamId: String(args.teamId), role: args.role ?? undefined }] },
        orderBy: { createdAt: 'asc' },
      }),
  }),
  member: t.prismaField({
    type: 'Member',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.member.findFirst({ ...query, where: { AND: [readable.member(ctx.principal), { id: String(args.id) }] } }),
  }),
}));

type WithToken = Awaited<ReturnType<typeof createMember>>;
const MemberWithToken = builder.objectRef<WithToken>('MemberWithToken').implement({
  fields: (t) => ({
    member: t.prismaField({ type: 'Member', resolve: (_query, created) => created.member }),
    token: t.exposeString('token', { description: 'The management token, shown once: only a hash is stored.' }),
  }),
});

const CreateMemberInput = inputTypeFrom('CreateMemberInput', CreateMemberSchema);

const UpdateMemberInput = inputTypeFrom('UpdateMemberInput', UpdateMemberSchema);

builder.mutationFields((t) => ({
  createMember: t.field({
    type: MemberWithToken,
    description: "The team's admins (owners for the owner role).",
    args: { input: t.arg({ type: CreateMemberInput, required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => createMember(ctx, args.input),
  }),
  updateMember: t.prismaField({
    type: 'Member',
    args: { input: t.arg({ type: UpdateMemberInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateMember(ctx, args.input),
  }),
  rotateMemberToken: t.field({
    type: MemberWithToken,
    description: 'A new management token; the old one stops working at once. Anyone may rotate their own.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => rotateMemberToken(ctx, String(args.id)),
  }),
  deleteMember: t.field({
    type: 'ID',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteMember(ctx, String(args.id)),
  }),
}));
