import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { SNAPSHOT_SCHEMA_VERSION, type SnapshotContent } from '../../shared/snapshot/schema.ts';
import { effectiveBudgets } from '../domain/budgets/effective-budgets.ts';
import { inForce, priceInForce } from '../domain/models/prices.ts';
import { readRoutingDefaults, toSnapshotRoutingDefaults } from '../domain/routing-defaults/routing-defaults.ts';
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
  | 'setting'
>;

const byId = { orderBy: { id: 'asc' } } as const;
export const teamWith = { plan: true, routingProfile: { select: { name: true } } } as const;
export const keyWith = { routingProfile: { select: { name: true } } } as const;

/**
 * Reads the configuration rows and compiles them into snapshot content. Deterministic: rows are
 * ordered, so equal configuration gives an equal hash. Publishes are serialised and each starts
 * after the mutation that asked for it committed, so the newest snapshot always sees every change.
 * Nothing secret is in clear here: provider credentials stay sealed, keys are hashes.
 */
export async function compileSnapshot(db: SnapshotSource, now = new Date()): Promise<SnapshotContent> {
  const [catalog, teams, apiKeys, budgets, granted, cachePolicies, guardrails, routingDefaults] = await Promise.all([
    compileCatalog(db, now),
    db.team.findMany({ ...byId, include: teamWith }),
    db.apiKey.findMany({ ...byId, include: keyWith }),
    db.budget.findMany(byId),
    creditsGranted(db),
    compileCachePolicies(db),
    compileGuardrails(db),
    compileRoutingDefaults(db),
  ]);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    teams: teams.map((team) => toSnapshotTeam(team, granted.get(team.id) ?? 0n)),
    apiKeys: apiKeys.map(toSnapshotApiKey),
    ...catalog,
    budgets: effectiveBudgets(budgets, teams),
    cachePolicies,
    guardrails,
    routingDefaults,
  };
}

/** The platform's routing defaults (one Setting row), as the snapshot carries them. */
export async function compileRoutingDefaults(db: SnapshotSource) {
  return toSnapshotRoutingDefaults(await readRoutingDefaults(db));
}

/** Every guardrail (of plans and teams that set one: a few rows). */
export async function compileGuardrails(db: SnapshotSource) {
  return (await db.guardrail.findMany(byId)).map(toSnapshotGuardrail);
}

/** Every response cache policy (of plans, teams and keys that set one: a few rows). */
export async function compileCachePolicies(db: SnapshotSource) {
  return (await db.cachePolicy.findMany(byId)).map(toSnapshotCachePolicy);
}

/**
 * The sections an administrator defines and that stay small whatever the number of customers:
 * providers, models with their deployments and current price, plans, fallback chains, routing
 * profiles. A change to any of them compiles all of them again (a few rows).
 */
export async function compileCatalog(db: SnapshotSource, now = new Date()) {
  const [providers, models, plans, chains, profiles] = await Promise.all([
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
    db.fallbackChain.findMany({ ...byId, include: { entries: { orderBy: { position: 'asc' } } } }),
    db.routingProfile.findMany({ orderBy: { name: 'asc' } }),
  ]);
  return {
    providers: providers.flatMap(toSnapshotProvider),
    models: models.map(toSnapshotModel),
    plans: plans.map(toSnapshotPlan),
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
  };
}

/** Prepaid credits ever granted, by team (of `teamIds` only, when given). */
export async function creditsGranted(db: SnapshotSource, teamIds?: string[]): Promise<Map<string, bigint>> {
  const where: Prisma.CreditTransactionWhereInput = teamIds ? { kind: 'grant', teamId: { in: teamIds } } : { kind: 'grant' };
  const grants = await db.creditTransaction.groupBy({ by: ['teamId'], where, _sum: { amountMicroUsd: true } });
  return new Map(grants.map((g) => [g.teamId, g._sum.amountMicroUsd ?? 0n]));
}

/**
 * The next instant after `now` at which compiling would give a different snapshot although no
 * row changes: a future price version taking effect. The publisher compiles again then.
 */
export async function nextScheduledChange(db: Pick<PrismaClient, 'modelPrice'>, now = new Date()): Promise<Date | null> {
  const next = await db.modelPrice.findFirst({ where: { effectiveFrom: { gt: now } }, orderBy: { effectiveFrom: 'asc' }, select: { effectiveFrom: true } });
  return next?.effectiveFrom ?? null;
}
