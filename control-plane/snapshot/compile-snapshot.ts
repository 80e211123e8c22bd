import { Prisma, type PrismaClient } from '../../generated/prisma/client.ts';
import { SNAPSHOT_SCHEMA_VERSION, type SnapshotContent } from '../../shared/snapshot/schema.ts';
import { type BudgetRow, effectiveBudgets } from '../domain/budgets/effective-budgets.ts';
import { inForce, priceInForce } from '../domain/models/prices.ts';
import { readRoutingDefaults, toSnapshotRoutingDefaults } from '../domain/routing-defaults/routing-defaults.ts';
import {
  type TeamRow,
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
  | 'cachePolicy'
  | 'guardrail'
  | 'setting'
  | '$queryRaw'
>;

const byId = { orderBy: { id: 'asc' } } as const;

/** One row of readTeams' statement. The plan's columns are null when the team has no plan. */
interface TeamJoinedRow extends Omit<TeamRow, 'routingProfile' | 'plan' | 'ownBudgets'> {
  routingProfileName: string | null;
  budgetAmountMicroUsd: bigint | null;
  budgetPeriod: string | null;
  budgetHard: boolean;
  budgetAlertThresholds: number[];
  ownBudgets?: string | JsonBudget[];
}

/**
 * Teams (in id order; all of them, or those of `ids`) with what their entries need: their routing
 * profile's name, their plan's budget template and the credits granted to them. One statement:
 * through the model API this took two to four (Prisma sends a relation include or a group-by as a
 * statement of its own), and a lone mutation's patch reads its team inside the version lock (issue 12).
 * `withOwnBudgets`: each team's own budgets too (`ownBudgets`), so a patch of teams alone reads no
 * budget by itself (issue 12).
 * Raw SQL: a renamed column fails here when run, not when type-checked; snapshot-content.test.ts
 * checks every field of a team's entry.
 */
export async function readTeams(db: SnapshotSource, ids?: readonly string[], withOwnBudgets = false): Promise<TeamRow[]> {
  const rows = await db.$queryRaw<TeamJoinedRow[]>`
    SELECT t."id", t."slug", t."name", t."blocked", t."systemPrompt", t."planId", t."logPrompts", t."fallbackChainId",
      r."name" AS "routingProfileName",
      p."budgetAmountMicroUsd", p."budgetPeriod", p."budgetHard", p."budgetAlertThresholds",
      (SELECT COALESCE(SUM(c."amountMicroUsd"), 0)::bigint FROM "CreditTransaction" c
        WHERE c."teamId" = t."id" AND c."kind" = 'grant') AS "creditsGranted"
      ${withOwnBudgets ? OWN_BUDGETS : Prisma.empty}
    FROM "Team" t
      LEFT JOIN "Plan" p ON p."id" = t."planId"
      LEFT JOIN "RoutingProfile" r ON r."id" = t."routingProfileId"
    ${ids ? Prisma.sql`WHERE t."id" = ANY(${[...ids]}::text[])` : Prisma.empty}
    ORDER BY t."id"`;
  return rows.map(({ routingProfileName, budgetAmountMicroUsd, budgetPeriod, budgetHard, budgetAlertThresholds, ownBudgets, ...team }) => ({
    ...team,
    ...(ownBudgets === undefined ? {} : { ownBudgets: parsedBudgets(ownBudgets) }),
    routingProfile: routingProfileName === null ? null : { name: routingProfileName },
    plan: team.planId === null ? null : { id: team.planId, budgetAmountMicroUsd, budgetPeriod, budgetHard, budgetAlertThresholds },
  }));
}

/** readTeams' column of a team's own budgets: a JSON array, the amount as text (a bigint loses digits as a JSON number). */
const OWN_BUDGETS = Prisma.sql`, (SELECT COALESCE(json_agg(json_build_object('id', b."id", 'scope', b."scope", 'scopeId', b."scopeId",
        'amountMicroUsd', b."amountMicroUsd"::text, 'period', b."period", 'hard', b."hard", 'alertThresholds', b."alertThresholds")), '[]'::json)
      FROM "Budget" b WHERE b."scope" = 'team' AND b."scopeId" = t."id") AS "ownBudgets"`;

type JsonBudget = Omit<BudgetRow, 'amountMicroUsd'> & { amountMicroUsd: string };

function parsedBudgets(json: string | JsonBudget[]): BudgetRow[] {
  const budgets: JsonBudget[] = typeof json === 'string' ? JSON.parse(json) : json;
  return budgets.map((budget) => ({ ...budget, amountMicroUsd: BigInt(budget.amountMicroUsd) }));
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
  const [catalog, teams, apiKeys, budgets, cachePolicies, guardrails, routingDefaults] = await Promise.all([
    compileCatalog(db, now),
    readTeams(db),
    readApiKeys(db),
    db.budget.findMany(byId),
    compileCachePolicies(db),
    compileGuardrails(db),
    compileRoutingDefaults(db),
  ]);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    teams: teams.map(toSnapshotTeam),
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

/**
 * The next instant after `now` at which compiling would give a different snapshot although no
 * row changes: a future price version taking effect. The publisher compiles again then.
 */
export async function nextScheduledChange(db: Pick<PrismaClient, 'modelPrice'>, now = new Date()): Promise<Date | null> {
  const next = await db.modelPrice.findFirst({ where: { effectiveFrom: { gt: now } }, orderBy: { effectiveFrom: 'asc' }, select: { effectiveFrom: true } });
  return next?.effectiveFrom ?? null;
}
