import { type GraphQLArgument, type GraphQLField, getNamedType, isLeafType } from 'graphql';
import { schema } from '../../control-plane/schema/index.ts';
import type { ControlPlaneHarness } from './control-plane-harness.ts';

/**
 * A small seed kit over the real GraphQL API: builds each operation from the schema's own field
 * arguments, so a test names a field, its arguments and a selection, and nothing else.
 */

export interface MutationResult<T = any> {
  /** `Mutation<Field>Success` or the error type's name. */
  typename: string;
  data: T;
  /** The error object (message, and issues / field / entity when present) for an error answer. */
  error: any;
  errors?: { message: string; extensions?: any }[];
}

const capitalise = (s: string) => s[0].toUpperCase() + s.slice(1);

function variableDefinitions(args: readonly GraphQLArgument[], given: Record<string, unknown>): string {
  const used = args.filter((arg) => arg.name in given);
  return used.length ? `(${used.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ')})` : '';
}

function argumentList(args: readonly GraphQLArgument[], given: Record<string, unknown>): string {
  const used = args.filter((arg) => arg.name in given);
  return used.length ? `(${used.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : '';
}

function field(kind: 'query' | 'mutation' | 'subscription', name: string): GraphQLField<unknown, unknown> {
  const type = kind === 'query' ? schema.getQueryType() : kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  const found = type?.getFields()[name];
  if (!found) throw new Error(`no ${kind} field ${name}`);
  return found;
}

/** The text of a mutation of `name`, selecting `selection` on its success payload's `data`. */
export function mutationDocument(name: string, variables: Record<string, unknown>, selection?: string): string {
  const f = field('mutation', name);
  const success = `Mutation${capitalise(name)}Success`;
  const dataType = getNamedType((schema.getType(success) as any).getFields().data.type);
  const data = isLeafType(dataType) ? 'data' : `data { ${selection ?? ('id' in (dataType as any).getFields() ? 'id' : '__typename')} }`;
  return `mutation${variableDefinitions(f.args, variables)} { result: ${name}${argumentList(f.args, variables)} {
    __typename ... on ${success} { ${data} }
    ... on Error { message } ... on ValidationError { issues { path message } } ... on ConflictError { field } ... on NotFoundError { entity id } } }`;
}

/** The text of a query or subscription of `name` with `selection` (empty for a leaf). */
export function operationDocument(kind: 'query' | 'subscription', name: string, variables: Record<string, unknown>, selection = ''): string {
  const f = field(kind, name);
  return `${kind}${variableDefinitions(f.args, variables)} { result: ${name}${argumentList(f.args, variables)}${selection ? ` { ${selection} }` : ''} }`;
}

export function gqlKit(cp: ControlPlaneHarness, token?: string | null) {
  const call = (query: string, variables: Record<string, unknown>) => (token === undefined ? cp.gql(query, variables) : cp.gql(query, variables, token));
  const kit = {
    /** Runs a mutation and returns its typed answer, whatever it is. */
    async mutate<T = any>(name: string, variables: Record<string, unknown>, selection?: string): Promise<MutationResult<T>> {
      const body = await call(mutationDocument(name, variables, selection), variables);
      const result = body.data?.result;
      return { typename: result?.__typename, data: result?.data, error: result?.data === undefined ? result : undefined, errors: body.errors };
    },
    /** Runs a mutation that must succeed; returns its `data`. */
    async ok<T = any>(name: string, variables: Record<string, unknown>, selection?: string): Promise<T> {
      const answer = await kit.mutate<T>(name, variables, selection);
      if (!answer.typename?.endsWith('Success')) {
        throw new Error(`${name} failed: ${JSON.stringify(answer.error ?? answer.errors)}`);
      }
      return answer.data;
    },
    /** Runs a query; returns `data.result` (and the raw errors). */
    async query<T = any>(name: string, variables: Record<string, unknown> = {}, selection = ''): Promise<{ result: T; errors?: any[] }> {
      const body = await call(operationDocument('query', name, variables, selection), variables);
      return { result: body.data?.result, errors: body.errors };
    },
    // ---- seeds -------------------------------------------------------------------------------
    team: (input: Record<string, unknown>) => kit.ok<{ id: string }>('createTeam', { input: { name: String(input.slug), ...input } }, 'id slug'),
    member: (teamId: string, role: string, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`) =>
      kit.ok<{ member: { id: string }; token: string }>('createMember', { input: { teamId, email, role } }, 'member { id } token'),
    provider: (input: Record<string, unknown>) => kit.ok<{ id: string }>('createProvider', { input }, 'id'),
    model: (input: Record<string, unknown>) => kit.ok<{ id: string; deployments: { id: string }[] }>('createModel', { input }, 'id deployments { id }'),
    plan: (input: Record<string, unknown>) => kit.ok<{ id: string }>('createPlan', { input }, 'id'),
    apiKey: (input: Record<string, unknown>) =>
      kit.ok<{ apiKey: { id: string; prefix: string }; secret: string }>('createApiKey', { input: { name: 'key', ...input } }, 'apiKey { id prefix } secret'),
  };
  return kit;
}

export type GqlKit = ReturnType<typeof gqlKit>;
