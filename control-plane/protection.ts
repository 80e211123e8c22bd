import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Limits every operation must stay under, over HTTP and WebSocket alike. Generous for dashboards
 * (a team with its keys, their budgets and the plan is depth 8) and small enough that one query
 * cannot make the database walk the whole organisation.
 */
export const OPERATION_LIMITS = {
  maxDepth: 12,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
} as const;

/**
 * graphql-armor's depth, cost, alias, directive and token limits. In production mode also no
 * introspection and no "did you mean" field suggestions. (Batching stays off: Yoga's default;
 * unexpected errors stay masked: Yoga's default too.)
 */
export function protectionPlugins(production: boolean): Plugin[] {
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: OPERATION_LIMITS.maxDepth },
    costLimit: { maxCost: OPERATION_LIMITS.maxCost },
    maxAliases: { n: OPERATION_LIMITS.maxAliases },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives },
    maxTokens: { n: OPERATION_LIMITS.maxTokens },
    blockFieldSuggestion: { enabled: production },
  }) as Plugin;
  const noIntrospection: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
  return production ? [armor, noIntrospection] : [armor];
}

