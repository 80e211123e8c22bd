import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './errors.ts';
import './team.ts';
import './provider.ts';
import './model.ts';
import './api-key.ts';
import './usage.ts';
import './usage-rollup.ts';
import './snapshot.ts';
import './fleet.ts';

/** The whole GraphQL schema, built once per process. */
export const schema = lexicographicSortSchema(builder.toSchema());
