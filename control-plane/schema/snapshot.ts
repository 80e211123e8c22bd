import { builder } from './builder.ts';

const SnapshotInfo = builder.objectRef<{ version: number; hash: string; createdAt: Date }>('SnapshotInfo').implement({
  description: 'A compiled config snapshot as pushed to every data plane.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    hash: t.exposeString('hash'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  currentSnapshot: t.field({
    type: SnapshotInfo,
    nullable: true,
    resolve: (_root, _args, ctx) => ctx.prisma.snapshot.findFirst({ orderBy: { version: 'desc' }, select: { version: true, hash: true, createdAt: true } }),
  }),
}));

builder.subscriptionFields((t) => ({
  snapshotPublished: t.field({
    type: SnapshotInfo,
    subscribe: (_root, _args, ctx) => ctx.live.subscribe('snapshot'),
    resolve: (publication) => publication,
  }),
}));
