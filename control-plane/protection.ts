import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
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
