import { attemptPrice } from '../../shared/pricing/attempt-price.ts';
import type { RoutingStrategy, SnapshotModel } from '../../shared/snapshot/schema.ts';
import type { CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import type { DeploymentStats } from './deployment-stats.ts';

export interface OrderContext {
  stats: DeploymentStats;
  streamed: boolean;
  random: () => number;
  /** For `cost`: the model the targets serve (its price, under the deployments' own)... */
  model?: Pick<SnapshotModel, 'price'>;
  /** ...and the markup the team's plan puts on shared providers (never on its own). */
  markupBasisPoints?: number;
}

/**
 * A model group's deployments in the order the strategy wants them tried. Unusable providers
 * (credential did not decrypt) are left out; weight 0 means "drained" and is left out too, unless
 * every weight is 0, which means "no preference". Cooldown is not applied here (it changes
 * between attempts): the attempt loop skips cooling deployments as it walks this list.
 */
export function orderTargets(targets: readonly CompiledTarget[], strategy: RoutingStrategy, context: OrderContext): CompiledTarget[] {
  // One deployment (most models): every strategy orders it the same, nothing to weigh or sort.
  if (targets.length === 1) return targets[0].provider.unusableReason === null ? [targets[0]] : [];
  const usable = targets.filter((target) => target.provider.unusableReason === null);
  const weighted = usable.some((target) => target.deployment.weight > 0) ? usable.filter((target) => target.deployment.weight > 0) : usable;
  // Every strategy starts from a weighted random order, which then breaks its ties.
  const base = weightedOrder(weighted, context.random);
  switch (strategy) {
    case 'weighted':
      return base;
    case 'least-busy':
      return stableSortBy(base, (target) => context.stats.inFlightOf(target.deployment.id));
    case 'latency':
      // No recent sample sorts first: a new or long-unused deployment is probed once.
      return stableSortBy(base, (target) => context.stats.latencyOf(target.deployment.id, context.streamed) ?? -1);
    case 'cost': {
      const rank = costRank(context.model ?? { price: null }, context.markupBasisPoints ?? 0);
      return stableSortBy(base, rank);
    }
  }
}

/**
 * Weighted sampling without replacement: the first pick is proportional to weight, then the
 * next among the rest, and so on. With all weights 0 (of those left) every deployment counts as
 * weight 1. Runs on every request: plain loops, no closure, no array per pick.
 */
export function weightedOrder(targets: readonly CompiledTarget[], random: () => number): CompiledTarget[] {
  const pool = [...targets];
  const ordered: CompiledTarget[] = [];
  while (pool.length > 0) {
    let total = 0;
    for (const target of pool) total += target.deployment.weight;
    // Weights are non-negative integers (the snapshot schema): a zero total means all are 0.
    const uniform = total === 0;
    if (uniform) total = pool.length;
    let point = random() * total;
    let index = pool.length - 1;
    for (let i = 0; i < pool.length; i++) {
      point -= uniform ? 1 : pool[i].deployment.weight;
      if (point < 0) {
        index = i;
        break;
      }
    }
    ordered.push(pool[index]);
    for (let i = index; i < pool.length - 1; i++) pool[i] = pool[i + 1];
    pool.pop();
  }
  return ordered;
}

/**
 * What a deployment costs the team, as a sort key: its price (the deployment's own price version,
 * else the model's: what the attempt is billed at), input plus output per million tokens, with the
 * plan's markup on shared providers only (a team's own, bring-your-own-key provider carries none).
 * On a tie the team's own provider comes first (it draws no prepaid credits). A deployment without
 * any price ranks after every priced one: its cost is unknown, not zero. Scaled integers: exact.
 */
function costRank(model: Pick<SnapshotModel, 'price'>, markupBasisPoints: number): (target: CompiledTarget) => number {
  return (target) => {
    const own = target.provider.teamId !== null;
    const price = attemptPrice(model, target.deployment);
    if (!price) return Number.MAX_SAFE_INTEGER - (own ? 1 : 0);
    const perMillion = price.inputPerMillion + price.outputPerMillion;
    return 2 * perMillion * (10_000 + (own ? 0 : markupBasisPoints)) + (own ? 0 : 1);
  };
}

function stableSortBy<T>(items: T[], key: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index, key: key(item) }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item);
}
