import type { Prisma } from '../../generated/prisma/client.ts';
import { entryKey, type Section } from '../../shared/snapshot/content-digest.ts';
import type { SnapshotApiKey, SnapshotBudget } from '../../shared/snapshot/schema.ts';
import { effectiveBudgets } from '../domain/budgets/effective-budgets.ts';
import {
  compileCachePolicies,
  compileCatalog,
  compileGuardrails,
  compileRoutingDefaults,
  readApiKeys,
  readTeams,
  type SnapshotSource,
} from './compile-snapshot.ts';
import type { CompiledConfig, SnapshotPatch } from './compiled-config.ts';
import { toSnapshotApiKey, toSnapshotTeam } from './snapshot-rows.ts';

/** What some config versions changed, by entity, as their audit entries name it. */
export interface ConfigChanges {
  keys: Set<string>;
  teams: Set<string>;
  budgets: Set<string>;
  plans: Set<string>;
  /** Providers, models, deployments, prices, plans or chains: the small sections, compiled whole. */
  catalog: boolean;
  /** Response cache policies and guardrails: a few rows each, compiled whole. */
  policies: boolean;
  /** The platform's routing defaults (one row). */
  routingDefaults: boolean;
}

export interface VersionedAuditEntry {
  entity: string;
  entityId: string | null;
  teamId: string | null;
  configVersion: number | null;
}

const CATALOG_ENTITIES = new Set(['Provider', 'Model', 'Deployment', 'ModelPrice', 'FallbackChain', 'Plan']);

/**
 * The changes of config versions `from + 1` to `to`, from the audit entries every mutation writes
 * in its transaction with the version it took (control-plane/domain/mutate.ts). Null when the
 * whole snapshot must be compiled: a version without an audit entry (taken by the publisher for a
 * change no mutation made: the first-run seed, a price taking effect), an entity whose effects
 * reach across sections (a routing profile is referenced by name; `applyConfig` changes anything),
 * or an entity this code does not know.
 */
export function changesOf(entries: readonly VersionedAuditEntry[], from: number, to: number): ConfigChanges | null {
  const versions = new Set(entries.map((entry) => entry.configVersion));
  for (let version = from + 1; version <= to; version++) if (!versions.has(version)) return null;
  const changes: ConfigChanges = {
    keys: new Set(),
    teams: new Set(),
    budgets: new Set(),
    plans: new Set(),
    catalog: false,
    policies: false,
    routingDefaults: false,
  };
  for (const { entity, entityId, teamId } of entries) {
    if (entity === 'ApiKey' && entityId) changes.keys.add(entityId);
    else if (entity === 'Team' && entityId) changes.teams.add(entityId);
    else if (entity === 'CreditTransaction' && teamId) changes.teams.add(teamId);
    else if (entity === 'Budget' && entityId) changes.budgets.add(entityId);
    else if (entity === 'CachePolicy' || entity === 'Guardrail') changes.policies = true;
    else if (entity === 'RoutingDefaults') changes.routingDefaults = true;
    else if (CATALOG_ENTITIES.has(entity)) {
      changes.catalog = true;
      if (entity === 'Plan' && entityId) changes.plans.add(entityId);
    } else return null;
  }
  return changes;
}

/**
 * The patch that brings `config` (the compile of the database at an earlier version) to the
 * database as `db` sees it, reading only the rows `changes` names and what depends on them:
 * - a team: its entry, and its budgets (a plan's budget template is derived per team); a deleted
 *   team takes its keys, their budgets and its own providers with it (cascades);
 * - a key: its entry and its budgets;
 * - a budget: its owner's budgets (a team's own budget replaces its plan's for that period);
 * - a plan: the catalog, and the budgets of the teams on it;
 * - the catalog: all of it (a few rows), and the model budgets (a model's budgets go with it);
 * - cache policies and guardrails: all of them (a few rows), also when what one belongs to was deleted;
 * - the routing defaults: their one entry.
 */
export async function compileChanges(db: SnapshotSource, config: CompiledConfig, changes: ConfigChanges, now: Date): Promise<SnapshotPatch> {
  const patch: SnapshotPatch = {};
  const budgetEntries = config.entries<SnapshotBudget>('budgets');
  const keyOwners = new Set(changes.keys);
  const teamIds = new Set(changes.teams);
  let modelBudgets = changes.catalog;

  if (changes.plans.size > 0) {
    for (const team of await db.team.findMany({ where: { planId: { in: [...changes.plans] } }, select: { id: true } })) teamIds.add(team.id);
  }
  if (changes.budgets.size > 0) {
    const rows = await db.budget.findMany({ where: { id: { in: [...changes.budgets] } }, select: { scope: true, scopeId: true } });
    const owners = [...rows, ...[...changes.budgets].flatMap((id) => budgetEntries.get(id) ?? [])];
    for (const { scope, scopeId } of owners) {
      if (scope === 'team') teamIds.add(scopeId);
      else if (scope === 'key') keyOwners.add(scopeId);
      else modelBudgets = true;
    }
  }

  const teams = teamIds.size > 0 ? await readTeams(db, [...teamIds], true) : [];
  const found = new Set(teams.map((team) => team.id));
  const goneTeams = new Set([...teamIds].filter((id) => !found.has(id)));
  patch.teams = { put: teams.map(toSnapshotTeam), remove: [...goneTeams] };

  if (goneTeams.size > 0) {
    // Cascades of a deleted team: its keys (found by a scan, the rows are gone) and its providers.
    for (const [id, key] of config.entries<SnapshotApiKey>('apiKeys')) if (goneTeams.has(key.teamId)) keyOwners.add(id);
  }
  if (keyOwners.size > 0) {
    const keys = await readApiKeys(db, { id: { in: [...keyOwners] } });
    const present = new Set(keys.map((key) => key.id));
    patch.apiKeys = { put: keys.map(toSnapshotApiKey), remove: [...keyOwners].filter((id) => !present.has(id)) };
  }

  if (changes.catalog || goneTeams.size > 0) {
    const catalog = await compileCatalog(db, now);
    for (const section of ['providers', 'models', 'plans', 'fallbackChains', 'routingProfiles'] as const satisfies Section[]) {
      patch[section] = wholeSection(config, section, catalog[section]);
    }
    modelBudgets = true;
  }
  // Policies go with their plan, team or key (cascades), so those deletions compile them too.
  if (changes.policies || changes.catalog || goneTeams.size > 0 || (patch.apiKeys?.remove.length ?? 0) > 0) {
    const [cachePolicies, guardrails] = await Promise.all([compileCachePolicies(db), compileGuardrails(db)]);
    patch.cachePolicies = wholeSection(config, 'cachePolicies', cachePolicies);
    patch.guardrails = wholeSection(config, 'guardrails', guardrails);
  }

  if (changes.routingDefaults) patch.routingDefaults = wholeSection(config, 'routingDefaults', await compileRoutingDefaults(db));

  // Budgets, by owner: every budget of the owners named above is compiled again.
  const owned = (budget: { scope: string; scopeId: string }) =>
    budget.scope === 'team' ? teamIds.has(budget.scopeId) : budget.scope === 'key' ? keyOwners.has(budget.scopeId) : modelBudgets;
  const or: Prisma.BudgetWhereInput[] = [];
  if (teamIds.size > 0) or.push({ scope: 'team', scopeId: { in: [...teamIds] } });
  if (keyOwners.size > 0) or.push({ scope: 'key', scopeId: { in: [...keyOwners] } });
  if (modelBudgets) or.push({ scope: 'model' });
  if (or.length > 0) {
    // Teams alone (most team mutations): their own budgets came with them. A deleted team has none
    // left (they cascade), nor does it come back from readTeams.
    const rows = keyOwners.size === 0 && !modelBudgets ? teams.flatMap((team) => team.ownBudgets ?? []) : await db.budget.findMany({ where: { OR: or } });
    const put = effectiveBudgets(rows, teams);
    const kept = new Set(put.map((budget) => budget.id));
    const remove: string[] = [];
    for (const [id, budget] of budgetEntries) if (owned(budget) && !kept.has(id)) remove.push(id);
    patch.budgets = { put, remove };
  }
  return patch;
}

/** A section compiled whole, as a patch: every entry put (unchanged ones are skipped by hash), the rest removed. */
function wholeSection(config: CompiledConfig, section: Section, entries: readonly object[]): { put: readonly object[]; remove: string[] } {
  const present = new Set(entries.map((entry) => entryKey(section, entry)));
  return { put: entries, remove: [...config.entries(section).keys()].filter((id) => !present.has(id)) };
}
