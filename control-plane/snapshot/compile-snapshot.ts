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
const planTemplate = { id: true, budgetAmountMicroUsd: true, budgetPeriod: true, budgetHard: true, budgetAlertThresholds: true } as const;

/**
 * Teams (in id order) with what their entries need: their routing profile's name and their plan's
 * budget template. A plan or profile is read only when some team refers to one: Prisma's
 * `include` sends its statement even when every reference is null, which cost a mutation's
 * publication two of its eight statements (issue 12).
 */
export async function readTeams(db: SnapshotSource, where: Prisma.TeamWhereInput = {}) {
  const teams = await db.team.findMany({ where, ...byId });
  const [plans, profiles] = await Promise.all([
    referenced(teams, 'planId', (ids) => db.plan.findMany({ where: { id: { in: ids } }, select: planTemplate })),
    referenced(teams, 'routingProfileId', (ids) => db.routingProfile.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  ]);
  return teams.map((team) => ({ ...team, plan: lookUp(plans, team.planId), routingProfile: lookUp(profiles, team.routingProfileId) }));
}

/** API keys (in id order) with their routing profile's name, read only when some key refers to one. */
export async function readApiKeys(db: SnapshotSource, where: Prisma.ApiKeyWhereInput = {}) {
  const keys = await db.apiKey.findMany({ where, ...byId });
  const profiles = await referenced(keys, 'routingProfileId', (ids) =>
    db.routingProfile.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }),
  );
  return keys.map((key) => ({ ...key, routingProfile: lookUp(profiles, key.routingProfileId) }));
}

/** The rows `rows` refer to by `column`, by id; no statement when none refers to any. */
async function referenced<R, K extends keyof R, T extends { id: string }>(
  rows: R[],
  column: K,
  read: (ids: string[]) => Promise<T[]>,
): Promise<Map<string, T>> {
  const ids = new Set<string>();
  for (const row of rows) if (typeof row[column] === 'string') ids.add(row[column]);
  return new Map(ids.size === 0 ? [] : (await read([...ids])).map((row) => [row.id, row]));
}

const lookUp = <T>(rows: Map<string, T>, id: string | null): T | null => (id === null ? null : (rows.get(id) ?? null));

/**
 * Reads the configuration rows and compiles them into snapshot content. Deterministic: rows are
 * ordered, so equal configuration gives an equal hash. Publishes are serialised and each starts
 * after the mutation that asked for it committed, so the newest snapshot always sees every change.
 * Nothing secret is in clear here: provider credentials stay sealed, keys are hashes.
 */
export async function compileSnapshot(db: SnapshotSource, now = new Date()): Promise<SnapshotContent> {
  const [catalog, teams, apiKeys, budgets, granted, cachePolicies, guardrails, routingDefaults] = await Promise.all([
    compileCatalog(db, now),
    readTeams(db),
    readApiKeys(db),
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
