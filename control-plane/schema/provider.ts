import { PROVIDER_KINDS } from '../../shared/snapshot/schema.ts';
import {
  CreateProviderRequest,
  createProvider,
  deleteProvider,
  resealProviderCredentials,
  UpdateProviderInput as UpdateProviderSchema,
  updateProvider,
} from '../domain/providers/providers.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { inputTypeFrom } from './zod-input.ts';

export const ProviderKind = enumFrom('ProviderKind', PROVIDER_KINDS);

builder.prismaObject('Provider', {
  description: "An upstream provider account. With a team it is that team's own (bring your own key): no markup, no credits.",
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: ProviderKind, resolve: (provider) => provider.kind }),
    baseUrl: t.exposeString('baseUrl', { nullable: true }),
    apiVersion: t.exposeString('apiVersion', { nullable: true, description: "Azure OpenAI's api-version." }),
    region: t.exposeString('region', { nullable: true, description: 'The AWS region (bedrock) or Google Cloud location (vertex).' }),
    // The credential itself is never readable through the API: only whether one is set, and
    // the id of the secret key that sealed it (to follow a key rotation).
    hasCredential: t.boolean({ resolve: (provider) => provider.credentialCiphertext !== null }),
    credentialKeyId: t.string({ nullable: true, resolve: (provider) => provider.credentialCiphertext?.split('.')[1] ?? null }),
    team: t.relation('team', { nullable: true }),
    deployments: t.relation('deployments', { query: { orderBy: { createdAt: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  providers: t.prismaConnection({
    type: 'Provider',
    cursor: 'id',
    description: "Every provider for the platform admin; a member sees its team's own providers.",
    args: {
      teamId: t.arg.id(),
      kind: t.arg({ type: ProviderKind }),
      platformOnly: t.arg.boolean({ description: "Only the platform's providers (not bring-your-own-key)." }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.provider.findMany({
        ...query,
        where: {
          AND: [
            readable.provider(ctx.principal),
            { kind: args.kind ?? undefined, teamId: args.platformOnly ? null : args.teamId ? String(args.teamId) : undefined },
          ],
        },
        orderBy: { createdAt: 'asc' },
      }),
  }),
  provider: t.prismaField({
    type: 'Provider',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.provider.findFirst({ ...query, where: { AND: [readable.provider(ctx.principal), { id: String(args.id) }] } }),
  }),
}));

const CreateProviderInput = inputTypeFrom('CreateProviderInput', CreateProviderRequest);

const UpdateProviderInput = inputTypeFrom('UpdateProviderInput', UpdateProviderSchema, {
  description: 'Omitted fields stay as they are; `apiKey: null` removes the credential.',
});

builder.mutationFields((t) => ({
  createProvider: t.prismaField({
    type: 'Provider',
    description: "Platform providers: the platform admin. A team's own (teamId): its admins.",
    args: { input: t.arg({ type: CreateProviderInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createProvider(ctx, args.input),
  }),
  updateProvider: t.prismaField({
    type: 'Provider',
    args: { input: t.arg({ type: UpdateProviderInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateProvider(ctx, args.input),
  }),
  deleteProvider: t.field({
    type: 'ID',
    description: 'Only a provider without deployments.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteProvider(ctx, String(args.id)),
  }),
  resealProviderCredentials: t.field({
    type: 'Int',
    description:
      'Platform admin. Re-encrypts every provider credential and alert channel URL and secret with the current secret key; returns how many sealed values changed.',
    errors: {},
    resolve: (_root, _args, ctx) => resealProviderCredentials(ctx),
  }),
}));
