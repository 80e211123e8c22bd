import { describe, expect, it } from 'vitest';
import type { CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { DeploymentStats } from './deployment-stats.ts';
import { orderTargets, weightedOrder } from './order-targets.ts';

function target(id: string, weight = 1, extra: { teamId?: string | null; unusable?: boolean } = {}): CompiledTarget {
  return {
    deployment: {
      id,
      providerId: 'p',
      upstreamModel: id,
      weight,
      limits: { rpm: null, tpm: null, maxParallel: null },
      timeouts: { connectMs: null, firstByteMs: null, totalMs: null, idleMs: null },
      extraParameters: [],
      price: null,
    },
    provider: {
      id: 'p',
      name: 'p',
      kind: 'mock',
      baseUrl: null,
      credential: null,
      teamId: extra.teamId ?? null,
      apiVersion: null,
      region: null,
      unusableReason: extra.unusable ? 'broken' : null,
    },
  };
}

/** A seeded PRNG (mulberry32), so distribution tests are reproducible. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = (targets: CompiledTarget[]) => targets.map((t) => t.deployment.id);
const context = (stats = new DeploymentStats(), random = Math.random) => ({ stats, streamed: true, random });

describe('orderTargets', () => {
  it('leaves out unusable and drained (weight 0) deployments, unless every weight is 0', () => {
    const order = orderTargets([target('drained', 0), target('ok'), target('broken', 5, { unusable: true })], 'weighted', context());
    expect(ids(order)).toEqual(['ok']);
    expect(
      ids(
        orderTargets(
          [target('a', 0), target('b', 0)],
          'weighted',
          context(undefined, () => 0),
        ),
      ),
    ).toEqual(['a', 'b']);
  });

  it('puts the first pick proportional to weight (3:1 within 2 points over 20,000 draws)', () => {
    const random = seeded(42);
    const targets = [target('light', 1), target('heavy', 3)];
    let heavy = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) if (weightedOrder(targets, random)[0].deployment.id === 'heavy') heavy++;
    expect(Math.abs(heavy / draws - 0.75)).toBeLessThan(0.02);
  });

  it('orders every deployment once, the rest after the first pick', () => {
    const order = weightedOrder([target('a'), target('b'), target('c')], seeded(1));
    expect(ids(order).sort()).toEqual(['a', 'b', 'c']);
  });

  it('least-busy prefers the deployment with fewer attempts in flight', () => {
    const stats = new DeploymentStats();
    stats.begin('busy');
    stats.begin('busy');
    const done = stats.begin('calm');
    expect(ids(orderTargets([target('busy'), target('calm')], 'least-busy', context(stats)))).toEqual(['calm', 'busy']);
    done();
    expect(stats.inFlightOf('calm')).toBe(0);
  });

  it('latency prefers the lower EWMA and probes a deployment without recent samples first', () => {
    let now = 0;
    const stats = new DeploymentStats({ now: () => now, staleAfterMs: 1000 });
    stats.recordLatency('slow', true, 400);
    stats.recordLatency('fast', true, 50);
    expect(ids(orderTargets([target('slow'), target('fast')], 'latency', context(stats)))).toEqual(['fast', 'slow']);
    expect(ids(orderTargets([target('slow'), target('fast'), target('new')], 'latency', context(stats)))[0]).toBe('new');
    now = 2000; // every sample is stale: both are probed again
    expect(stats.latencyOf('fast', true)).toBeNull();
  });

  it("cost prefers the team's own provider (no plan markup)", () => {
    const order = orderTargets(
      [target('shared', 10), target('own', 1, { teamId: 't1' })],
      'cost',
      context(undefined, () => 0),
    );
    expect(ids(order)).toEqual(['own', 'shared']);
  });
});
