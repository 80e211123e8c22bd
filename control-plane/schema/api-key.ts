import { createApiKey, revokeApiKey } from '../domain/api-keys/api-keys.ts';
import { builder } from './builder.ts';

builder.prismaObject('ApiKey', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell keys apart.' }),
    allowedModels: t.exposeStringList('allowedModels'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    team: t.relation('team'),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    teamId: t.id({ required: true }),
    name: t.string({ required: true }),
    allowedModels: t.stringList(),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

const CreatedApiKey = builder.objectRef<Awaited<ReturnType<typeof createApiKey>>>('CreatedApiKey').implement({
  fields: (t) => ({
    apiKey: t.prismaField({ type: 'ApiKey', resolve: (_query, created) => created.apiKey }),
    secret: t.exposeString('secret', { description: 'Shown once: only a hash is stored.' }),
  }),
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => createApiKey(ctx, args.input),
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => revokeApiKey(ctx, String(args.id)),
  }),
}));
