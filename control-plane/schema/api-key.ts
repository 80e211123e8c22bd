import type { Prisma } from '../../generated/prisma/client.ts';
import {
  CreateApiKeyInput as CreateApiKeySchema,
  createApiKey,
  RotateApiKeyInput,
  revokeApiKey,
  rotateApiKey,
  UpdateApiKeyInput as UpdateApiKeySchema,
  updateApiKey,
} from '../domain/api-keys/api-keys.ts';
import { BudgetFields } from '../domain/budgets/budgets.ts';
import { readable } from '../domain/visibility.ts';
import { builder } from './builder.ts';
import { enumFrom, Limits, SEARCH_DESCRIPTION } from './common.ts';
import { argsFrom, inputTypeFrom } from './zod-input.ts';

const API_KEY_STATUSES = ['active', 'blocked', 'expired', 'revoked'] as const;
const ApiKeyStatus = enumFrom('ApiKeyStatus', API_KEY_STATUSES, 'REVOKED is final; BLOCKED can be lifted.');

builder.prismaObject('ApiKey', {
  description: "A team's key for the gateway. Only a hash of the secret is stored.",
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell keys apart.' }),
    status: t.field({
      type: ApiKeyStatus,
      resolve: (key) => (key.revokedAt ? 'revoked' : key.blocked ? 'blocked' : key.expiresAt && key.expiresAt <= new Date() ? 'expired' : 'active'),
    }),
    allowedModels: t.exposeStringList('allowedModels', { description: "Model names within the plan's; empty means every model the team may use." }),
    limits: t.field({ type: Limits, description: "Overrides the plan's limits where set.", resolve: (key) => key }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    blocked: t.exposeBoolean('blocked'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'From stored usage events: trails real use by the ingestion delay.' }),
    previousSecretExpiresAt: t.expose('previousHashExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'After rotateApiKey: until when the previous secret still works.',
    }),
    routingProfile: t.relation('routingProfile', { nullable: true }),
    fallbackChain: t.relation('fallbackChain', { nullable: true }),
    budgets: t.relation('budgets', { query: { orderBy: { createdAt: 'asc' } } }),
    team: t.relation('team'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  apiKeys: t.prismaConnection({
    type: 'ApiKey',
    cursor: 'id',
    description: "Every key for the platform admin; its own team's for a member.",
    args: { teamId: t.arg.id(), status: t.arg({ type: ApiKeyStatus }), search: t.arg.string({ description: SEARCH_DESCRIPTION }) },
    resolve: (query, _root, args, ctx) => {
      const now = new Date();
      const byStatus: Record<(typeof API_KEY_STATUSES)[number], Prisma.ApiKeyWhereInput> = {
        active: { revokedAt: null, blocked: false, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        blocked: { revokedAt: null, blocked: true },
        expired: { revokedAt: null, blocked: false, expiresAt: { lte: now } },
        revoked: { revokedAt: { not: null } },
      };
      return ctx.prisma.apiKey.findMany({
        ...query,
        where: {
          AND: [
            readable.apiKey(ctx.principal),
            args.status ? byStatus[args.status as (typeof API_KEY_STATUSES)[number]] : {},
            { teamId: args.teamId ? String(args.teamId) : undefined, name: args.search ? { contains: args.search, mode: 'insensitive' } : undefined },
          ],
        },
        orderBy: { createdAt: 'asc' },
      });
    },
  }),
  apiKey: t.prismaField({
    type: 'ApiKey',
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.apiKey.findFirst({ ...query, where: { AND: [readable.apiKey(ctx.principal), { id: String(args.id) }] } }),
  }),
}));

type WithSecret = Awaited<ReturnType<typeof createApiKey>>;
const CreatedApiKey = builder.objectRef<WithSecret>('CreatedApiKey').implement({
  fields: (t) => ({
    apiKey: t.prismaField({ type: 'ApiKey', resolve: (_query, created) => created.apiKey }),
    secret: t.exposeString('secret', { description: 'Shown once: only a hash is stored.' }),
  }),
});

const KeyBudgetInput = inputTypeFrom('KeyBudgetInput', BudgetFields, { fields: { amountMicroUsd: { name: 'amount' } } });

const CreateApiKeyInput = inputTypeFrom('CreateApiKeyInput', CreateApiKeySchema, { fields: { budget: { type: KeyBudgetInput } } });

const UpdateApiKeyInput = inputTypeFrom('UpdateApiKeyInput', UpdateApiKeySchema, {
  description: 'Omitted fields stay as they are; null clears a nullable one.',
});

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    description: 'Team members and above.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => {
      const { budget, ...rest } = args.input;
      return createApiKey(ctx, { ...rest, budget: budget && { ...budget, amountMicroUsd: budget.amount } });
    },
  }),
  updateApiKey: t.prismaField({
    type: 'ApiKey',
    args: { input: t.arg({ type: UpdateApiKeyInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateApiKey(ctx, args.input),
  }),
  rotateApiKey: t.field({
    type: CreatedApiKey,
    description: 'A new secret; the old one keeps working for the grace period (default one day, 0 ends it now).',
    args: argsFrom(t.arg, RotateApiKeyInput, 'rotateApiKey'),
    errors: {},
    resolve: (_root, args, ctx) => rotateApiKey(ctx, args),
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    description: 'For good, the rotated-out secret too.',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => revokeApiKey(ctx, String(args.id)),
  }),
}));
