import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';

builder.prismaObject('AuditLogEntry', {
  description: 'Who changed what, when. Secrets in `changes` are masked.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    actorKind: t.exposeString('actorKind', { description: '`admin` (the platform admin key) or `member`.' }),
    actorId: t.exposeID('actorId', { nullable: true, description: 'The member id, for members.' }),
    teamId: t.exposeID('teamId', { nullable: true }),
    action: t.exposeString('action', { description: 'The mutation, e.g. createTeam.' }),
    entity: t.exposeString('entity'),
    entityId: t.exposeID('entityId', { nullable: true }),
    changes: t.expose('changes', { type: 'JSON' }),
  }),
});

builder.queryFields((t) => ({
  auditLog: t.prismaConnection({
    type: 'AuditLogEntry',
    cursor: 'id',
    description: "Newest first. The platform admin reads everything; a team's admins and owners their team's entries.",
    args: { teamId: t.arg.id(), entity: t.arg.string(), entityId: t.arg.id(), action: t.arg.string() },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.auditLogEntry.findMany({
        ...query,
        where: {
          AND: [
            readable.auditLogEntry(ctx.principal),
            {
              teamId: args.teamId ? String(args.teamId) : undefined,
              entity: args.entity ?? undefined,
              entityId: args.entityId ? String(args.entityId) : undefined,
              action: args.action ?? undefined,
            },
          ],
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      }),
  }),
}));
