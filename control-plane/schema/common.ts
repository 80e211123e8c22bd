import { Limits as LimitsSchema } from '../domain/fields.ts';
import { PriceInput as PriceSchema } from '../domain/models/prices.ts';
import { builder } from './builder.ts';
import { inputTypeFrom, registerEnum } from './zod-input.ts';

/**
 * A GraphQL enum for a closed set of lowercase values: `least-busy` becomes `LEAST_BUSY`. Zod
 * enums over the same values become this enum in derived input types (zod-input.ts).
 */
export function enumFrom(name: string, values: readonly string[], description?: string) {
  const ref = builder.enumType(name, {
    description,
    values: Object.fromEntries(values.map((value) => [value.toUpperCase().replace(/-/g, '_'), { value }])),
  });
  registerEnum(values, ref);
  return ref;
}

type LimitColumns = { rpm: number | null; tpm: number | null; maxParallel: number | null };

export const Limits = builder.objectRef<LimitColumns>('Limits').implement({
  description: 'Rate limits; null means no limit at this level (a more general level may still limit).',
  fields: (t) => ({
    rpm: t.exposeInt('rpm', { nullable: true, description: 'Requests per minute.' }),
    tpm: t.exposeInt('tpm', { nullable: true, description: 'Tokens per minute.' }),
    maxParallel: t.exposeInt('maxParallel', { nullable: true, description: 'Requests in flight at once.' }),
  }),
});

inputTypeFrom('LimitsInput', LimitsSchema, { description: 'Omit or null a field for no limit at this level.' });

/** The description of every `search` argument. */
export const SEARCH_DESCRIPTION = 'Case-insensitive substring of the name.';

inputTypeFrom('PriceInput', PriceSchema, {
  description: 'Integer micro-USD per million tokens. Cached input and cache writes default to the input price.',
});
