import { requirePlatformAdmin } from '../domain/access.ts';
import { type CatalogueEntry, lookupCatalogue } from '../domain/catalogue/catalogue.ts';
import { builder } from './builder.ts';
import { withDomainErrors } from './errors.ts';
import { ProviderKind } from './provider.ts';

const CatalogueModel = builder.objectRef<CatalogueEntry>('CatalogueModel').implement({
  description: 'What the model catalogue (@pydantic/genai-prices, bundled) has for a model: prices in integer micro-USD per million tokens.',
  fields: (t) => ({
    provider: t.exposeString('provider', { description: "The catalogue's provider id, e.g. `openai`." }),
    model: t.exposeString('model', { description: "The catalogue's model id the name matched." }),
    name: t.exposeString('name', { nullable: true }),
    contextWindow: t.exposeInt('contextWindow', { nullable: true }),
    inputPerMillion: t.field({ type: 'MicroUSD', resolve: (entry) => entry.price.inputPerMillion }),
    outputPerMillion: t.field({ type: 'MicroUSD', resolve: (entry) => entry.price.outputPerMillion }),
    cachedInputPerMillion: t.field({ type: 'MicroUSD', resolve: (entry) => entry.price.cachedInputPerMillion }),
    cacheWritePerMillion: t.field({ type: 'MicroUSD', nullable: true, resolve: (entry) => entry.price.cacheWritePerMillion }),
    tiered: t.exposeBoolean('tiered', { description: 'The catalogue prices long prompts higher; only the base tier is used.' }),
  }),
});

builder.queryFields((t) => ({
  catalogueModel: t.field({
    type: CatalogueModel,
    nullable: true,
    description: 'Platform admin. The catalogue entry for a model of a provider kind, as `createModel(fromCatalogue: true)` would use it.',
    args: { kind: t.arg({ type: ProviderKind, required: true }), model: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) =>
      withDomainErrors(async () => {
        requirePlatformAdmin(ctx.principal);
        return lookupCatalogue(args.kind as never, args.model);
      }),
  }),
}));
