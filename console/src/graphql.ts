import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * Typed GraphQL documents from the committed SDL (test/control-plane/schema.graphql), through
 * gql.tada: `npm run console:schema` regenerates graphql-env.d.ts after a schema change.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; MicroUSD: string; JSON: unknown; ID: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';

/** The typed failures every mutation result union carries (control-plane/schema/errors.ts). */
export const MutationErrors = graphql(`
  fragment MutationErrors on Error {
    __typename
    message
    ... on ValidationError { issues { path message } }
    ... on ConflictError { field }
  }
`);
