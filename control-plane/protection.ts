import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { BREAK, type DocumentNode, GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isUnstorableText } from '../shared/text/storable-text.ts';
import { operationCostRule } from './operation-cost.ts';

/**
 * Limits every operation must stay under, over HTTP and WebSocket alike. Generous for dashboards
 * (a team with its keys, their budgets and the plan is depth 8; 50 teams with 50 keys each cost
 * about 5,200) and small enough that one query cannot make the database walk the whole
 * organisation. `maxCost` counts objects the operation can load (operation-cost.ts).
 */
export const OPERATION_LIMITS = {
  maxDepth: 12,
  maxCost: 12_000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
} as const;

/**
 * graphql-armor prefixes every refusal with "Syntax Error:", although the operation is valid
 * GraphQL that is merely too big. Its refusals are re-issued here without the prefix and with a
 * code a client can branch on.
 */
function relabel(code: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const labelled = new GraphQLError(error.message.replace(/^Syntax Error: /, 'Operation refused: '), { extensions: { code } });
        // Validation rules report into the context; the token limit runs in the parser (no context) and throws.
        if (context) context.reportError(labelled);
        else throw labelled;
      },
    ],
  };
}

/**
 * graphql-armor's depth, alias, directive and token limits, and our cost limit. In production
 * mode also no introspection and no "did you mean" field suggestions. (Batching stays off:
 * Yoga's default; unexpected errors stay masked: Yoga's default too.)
 */
export function protectionPlugins(production: boolean): Plugin[] {
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: OPERATION_LIMITS.maxDepth, ...relabel('OPERATION_TOO_DEEP') },
    costLimit: { enabled: false },
    maxAliases: { n: OPERATION_LIMITS.maxAliases, ...relabel('TOO_MANY_ALIASES') },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives, ...relabel('TOO_MANY_DIRECTIVES') },
    maxTokens: { n: OPERATION_LIMITS.maxTokens, ...relabel('TOO_MANY_TOKENS') },
    blockFieldSuggestion: { enabled: production },
  }) as Plugin;
  const rules: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(operationCostRule(OPERATION_LIMITS.maxCost));
      if (production) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
  return [armor, rules];
}

function hasUnstorableString(value: unknown): boolean {
  if (typeof value === 'string') return isUnstorableText(value);
  if (Array.isArray(value)) return value.some(hasUnstorableString);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasUnstorableString);
  return false;
}

function hasUnstorableLiteral(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (!isUnstorableText(node.value)) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** The refusal when the operation carries unstorable text, as a result (null when it carries none). */
function unstorableRefusal(args: { document: DocumentNode; variableValues?: unknown }) {
  if (!hasUnstorableString(args.variableValues) && !hasUnstorableLiteral(args.document)) return null;
  const error = new GraphQLError('A string contains a NUL character or an unpaired surrogate, which cannot be stored or searched for.', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
  return { errors: [error] };
}

/**
 * Text the database cannot take is refused before any resolver runs: every string of the
 * operation, literal or variable (in lists, input objects and JSON values too). It used to reach
 * PostgreSQL and come back as a masked "Unexpected error.", from a search box as from a mutation.
 * Answered as a result, not thrown: over graphql-ws a throw here closes the whole socket (4500),
 * ending the caller's other subscriptions too.
 */
export const storableText: Plugin = {
  onExecute({ args, setResultAndStopExecution }) {
    const refusal = unstorableRefusal(args);
    if (refusal) setResultAndStopExecution(refusal);
  },
  onSubscribe({ args, setResultAndStopExecution }) {
    const refusal = unstorableRefusal(args);
    if (refusal) setResultAndStopExecution(refusal);
  },
};
