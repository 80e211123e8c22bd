import type { PrismaClient } from '../../generated/prisma/client.ts';
import { SNAPSHOT_SCHEMA_VERSION, type SnapshotContent } from '../../shared/snapshot/schema.ts';
import { effectiveBudgets } from '../domain/budgets/effective-budgets.ts';
import { inForce, priceInForce } from '../domain/models/prices.ts';
import {
  toSnapshotApiKey,
  toSnapshotCachePolicy,
  toSnapshotGuardrail,
  toSnapshotModel,
  toSnapshotPlan,
  toSnapshotProvider,
  toSnapshotTeam,
} from './snapshot-rows.ts';

export type SnapshotSource = Pick<
  PrismaClient,
  | 'team'
  | 'apiKey'
  | 'provider'
  | 'model'
  | 'modelPrice'
  | 'plan'
  | 'budget'
  | 'fallbackChain'
  | 'routingProfile'
  | 'creditTransaction'
  | 'cachePolicy'
  | 'guardrail'
>;

const byId = { orderBy: { id: 'asc' } } as const;

/**
 * Reads the configuration rows and compiles them into snapshot content. Deterministic: rows are
 * ordered, so equal configuration gives an equal hash. Publishes are serialised and each starts
 * after the mutation that asked for it committed, so the newest snapshot always sees every change.
 * Nothing secret is in clear here: provider credentials stay sealed, keys are hashes.
 */
export async function compileSnapshot(db: SnapshotSource, now = new Date()): Promise<SnapshotContent> {
  const [teams, apiKeys, providers, models, plans, budgets, chains, profiles, grants, cachePolicies, guardrails] = await Promise.all([
    db.team.findMany({ ...byId, include: { plan: true, routingProfile: { select: { name: true } } } }),
    db.apiKey.findMany({ ...byId, include: { routingProfile: { select: { name: true } } } }),
    db.provider.findMany(byId),
    db.model.findMany({
      ...byId,
      include: {
        deployments: { ...byId, include: { prices: inForce(now) } },
        // The price versions in force now (a later one is compiled in when its time comes).
        prices: priceInForce({ deploymentId: null }, now),
      },
    }),
    db.plan.findMany({ ...byId, include: { routingProfile: { select: { name: true } } } }),
    db.budget.findMany(byId),
    db.fallbackChain.findMany({ ...byId, include: { entries: { orderBy: { position: 'asc' } } } }),
    db.routingProfile.findMany({ orderBy: { name: 'asc' } }),
    db.creditTransaction.groupBy({ by: ['teamId'], where: { kind: 'grant' }, _sum: { amountMicroUsd: true } }),
    db.cachePolicy.findMany(byId),
    db.guardrail.findMany(byId),
  ]);
  const granted = new Map(grants.map((g) => [g.teamId, g._sum.amountMicroUsd ?? 0n]));

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    teams: teams.map((team) => toSnapshotTeam(team, granted.get(team.id) ?? 0n)),
    apiKeys: apiKeys.map(toSnapshotApiKey),
    providers: providers.flatMap(toSnapshotProvider),
    models: models.map(toSnapshotModel),
    plans: plans.map(toSnapshotPlan),
    budgets: effectiveBudgets(budgets, teams),
    fallbackChains: chains.map((chain) => ({
      id: chain.id,
      name: chain.name,
      modelIds: chain.entries.map((entry) => entry.modelId),
      triggers: chain.triggers as SnapshotContent['fallbackChains'][number]['triggers'],
    })),
    routingProfiles: profiles.map((profile) => ({
      name: profile.name,
      strategy: profile.strategy as SnapshotContent['routingProfiles'][number]['strategy'],
    })),
    cachePolicies: cachePolicies.map(toSnapshotCachePolicy),
    guardrails: guardrails.map(toSnapshotGuardrail),
  };
}

/**
 * The next instant after `now` at which compiling would give a different snapshot although no
 * row changes: a future price version taking effect. The publisher compiles again then.
 */
export async function nextScheduledChange(db: Pick<PrismaClient, 'modelPrice'>, now = new Date()): Promise<Date | null> {
  const next = await db.modelPrice.findFirst({ where: { effectiveFrom: { gt: now } }, orderBy: { effectiveFrom: 'asc' }, select: { effectiveFrom: true } });
  return next?.effectiveFrom ?? null;
}
