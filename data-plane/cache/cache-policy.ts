import type { SnapshotCachePolicy } from '../../shared/snapshot/schema.ts';
import type { CompiledApiKey } from '../snapshot/compiled-snapshot.ts';

/** The response-cache policy a request runs under (from the most specific level that has one). */
export interface EffectiveCachePolicy {
  ttlSeconds: number;
  deterministicOnly: boolean;
  /** The team's plan's price of a hit, integer micro-USD (0 when the plan sets none). */
  hitPriceMicroUsd: number;
}

/** Cache policies by level, compiled once per snapshot. */
export interface CachePolicyIndex {
  /** The key's policy, else its team's, else its plan's; null when none applies or it is off. */
  forKey(apiKey: CompiledApiKey): EffectiveCachePolicy | null;
}

export function compileCachePolicies(policies: readonly SnapshotCachePolicy[]): CachePolicyIndex {
  const byScope = new Map(policies.map((policy) => [`${policy.scope}:${policy.scopeId}`, policy]));
  return {
    forKey(apiKey) {
      const planId = apiKey.team.planId;
      const plan = planId === null ? undefined : byScope.get(`plan:${planId}`);
      const policy = byScope.get(`key:${apiKey.key.id}`) ?? byScope.get(`team:${apiKey.team.id}`) ?? plan;
      if (!policy?.enabled) return null;
      return { ttlSeconds: policy.ttlSeconds, deterministicOnly: policy.deterministicOnly, hitPriceMicroUsd: plan?.hitPriceMicroUsd ?? 0 };
    },
  };
}
