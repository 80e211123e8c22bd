import {
  type FieldNode,
  GraphQLError,
  type GraphQLNamedType,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** Pothos' page sizes (schema/builder.ts): a connection without `first`/`last` reads 20 rows, never more than 100. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * The cost of an operation is the number of objects it can make the server load: each object
 * field counts 1, and a connection counts its page size times what each of its nodes asks for.
 * Scalars are free (they come with their row). The page size is the literal `first`/`last`
 * (capped at the maximum page), the maximum page when it is a variable (validation runs before
 * the variables are known), and the default page when it is absent.
 *
 * Why not graphql-armor's cost limit: it counts a missing or variable `first` as 1 (so
 * `teams(first: $n)` was nearly free) and weighs depth exponentially (so an ordinary
 * `teams(first: 50) { apiKeys(first: 50) }` page was refused), and it labels its refusal
 * "Syntax Error".
 */
export function operationCost(context: ValidationContext, operation: OperationDefinitionNode): number {
  const schema = context.getSchema();
  const root =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return root ? selectionCost(context, root, operation.selectionSet, new Set()) : 0;
}

function selectionCost(
  context: ValidationContext,
  parent: GraphQLNamedType | null | undefined,
  selectionSet: SelectionSetNode,
  fragments: ReadonlySet<string>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.selectionSet) continue;
      // Unknown fields are reported by the standard rules; they cost nothing here.
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      const type = field ? getNamedType(field.type) : undefined;
      const inner = selectionCost(context, type, selection.selectionSet, fragments);
      total += type?.name.endsWith('Connection') ? 1 + pageSize(selection) * inner : 1 + inner;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : parent;
      total += selectionCost(context, type, selection.selectionSet, fragments);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      // A cycle is refused by the standard NoFragmentCycles rule; do not recurse into it here.
      if (!fragment || fragments.has(name)) continue;
      const type = context.getSchema().getType(fragment.typeCondition.name.value);
      total += selectionCost(context, type, fragment.selectionSet, new Set([...fragments, name]));
    }
  }
  return total;
}

function pageSize(field: FieldNode): number {
  const argument = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (!argument) return DEFAULT_PAGE_SIZE;
  if (argument.value.kind === Kind.INT) return Math.min(MAX_PAGE_SIZE, Math.max(0, Number(argument.value.value)));
  return MAX_PAGE_SIZE;
}

/** Refuses operations that cost more than `maxCost` objects, with a typed `OPERATION_TOO_COSTLY` error. */
export function operationCostRule(maxCost: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const cost = operationCost(context, operation);
      if (cost <= maxCost) return;
      context.reportError(
        new GraphQLError(`Operation too costly: it may load ${cost} objects, the limit is ${maxCost}. Ask for smaller pages (first) or fewer nested lists.`, {
          nodes: operation,
          extensions: { code: 'OPERATION_TOO_COSTLY', cost, maxCost },
        }),
      );
    },
  });
}
