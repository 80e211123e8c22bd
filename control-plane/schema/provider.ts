import { PROVIDER_KINDS } from '../../shared/snapshot/schema.ts';
import { createProvider } from '../domain/providers/providers.ts';
import { builder } from './builder.ts';

export const ProviderKind = builder.enumType('ProviderKind', {
  values: Object.fromEntries(PROVIDER_KINDS.map((kind) => [kind.toUpperCase().replace(/-/g, '_'), { value: kind }])),
});

builder.prismaObject('Provider', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.exposeString('kind'),
    baseUrl: t.exposeString('baseUrl', { nullable: true }),
    // The credential itself is never readable through the API: only whether one is set.
    hasCredential: t.boolean({ resolve: (provider) => provider.credentialCiphertext !== null }),
    team: t.relation('team', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  providers: t.prismaConnection({
    type: 'Provider',
    cursor: 'id',
    resolve: (query, _root, _args, ctx) => ctx.prisma.provider.findMany({ ...query, orderBy: { createdAt: 'asc' } }),
  }),
}));

const CreateProviderInput = builder.inputType('CreateProviderInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: ProviderKind, required: true }),
    baseUrl: t.string({ description: 'Required for openai-compatible and azure-openai.' }),
    apiKey: t.string({ description: 'Stored encrypted; never returned.' }),
    teamId: t.id({ description: "Bring-your-own-key: the provider serves this team only." }),
  }),
});

builder.mutationFields((t) => ({
  createProvider: t.prismaField({
    type: 'Provider',
    args: { input: t.arg({ type: CreateProviderInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createProvider(ctx, args.input),
  }),
}));
