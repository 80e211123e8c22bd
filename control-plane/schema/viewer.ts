import { builder } from './builder.ts';
import { TeamRole } from './member.ts';

interface ViewerShape {
  kind: 'admin' | 'member';
  teamId: string | null;
  memberId: string | null;
  role: string | null;
}

const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'The caller: the platform admin, or a team member with a role.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: '`admin` or `member`.' }),
    role: t.field({ type: TeamRole, nullable: true, resolve: (v) => v.role }),
    team: t.prismaField({
      type: 'Team',
      nullable: true,
      resolve: (query, v, _args, ctx) => (v.teamId ? ctx.prisma.team.findUnique({ ...query, where: { id: v.teamId } }) : null),
    }),
    member: t.prismaField({
      type: 'Member',
      nullable: true,
      resolve: (query, v, _args, ctx) => (v.memberId ? ctx.prisma.member.findUnique({ ...query, where: { id: v.memberId } }) : null),
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: Viewer,
    resolve: (_root, _args, ctx): ViewerShape =>
      ctx.principal.kind === 'member'
        ? { kind: 'member', teamId: ctx.principal.teamId, memberId: ctx.principal.memberId, role: ctx.principal.role }
        : { kind: 'admin', teamId: null, memberId: null, role: null },
  }),
}));
