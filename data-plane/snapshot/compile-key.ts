import type { SnapshotApiKey, SnapshotPlan, SnapshotTeam } from '../../shared/snapshot/schema.ts';
import type { CompiledApiKey, CompiledCatalog, CompiledFallbackChain, KeyIndex, KeyRouting } from './compiled-snapshot.ts';
import type { KeySet } from './key-set.ts';
import { gracedPreviousHash } from './packed-keys.ts';

/**
 * The key index of one compiled snapshot: a key is compiled against the snapshot's catalog when a
 * request first looks it up, and kept for the snapshot's life. Nothing is compiled at swap time,
 * so a 10,000-key snapshot swaps in without building 10,000 objects on the request thread.
 */
export function createKeyIndex(keys: KeySet, catalog: CompiledCatalog): KeyIndex {
  const compiled = new Map<string, CompiledApiKey>();
  const get = (hash: string): CompiledApiKey | undefined => {
    const known = compiled.get(hash);
    if (known) return known;
    const key = keys.bySecret(hash);
    // Its warnings were reported when the snapshot was loaded (keyWarnings).
    const result = key && compileKey(key, hash, catalog, []);
    if (!result) return undefined;
    compiled.set(hash, result);
    return result;
  };
  return { keys, get, has: (hash) => get(hash) !== undefined };
}

/** What compiling every key would warn about (dangling teams, plans, chains, profiles). */
export function keyWarnings(keys: Iterable<SnapshotApiKey>, catalog: CompiledCatalog): string[] {
  const warnings: string[] = [];
  for (const key of keys) compileKey(key, key.hash, catalog, warnings);
  return warnings;
}

/**
 * One key as found under `hash`: its own, or its previous one during a rotation's grace period
 * (which ends the key's validity at the grace end). null when its team is unknown: not indexed.
 */
export function compileKey(key: SnapshotApiKey, hash: string, catalog: CompiledCatalog, warnings: string[]): CompiledApiKey | null {
  const team = catalog.teams.get(key.teamId);
  if (!team) {
    warnings.push(`api key ${key.id} names unknown team ${key.teamId}`);
    return null;
  }
  const plan = team.planId === null ? null : (catalog.plans.get(team.planId) ?? null);
  // A dangling plan reference fails closed: no model rather than every model.
  if (team.planId !== null && !plan) warnings.push(`team ${team.id} names unknown plan ${team.planId}`);
  const planModelIds = team.planId === null ? null : catalog.planModelIds.has(team.planId) ? catalog.planModelIds.get(team.planId)! : NO_MODELS;
  const keyModelIds = key.allowedModels.length === 0 ? null : modelIds(catalog, key.allowedModels);
  const expiresAtMs = key.expiresAt === null ? null : Date.parse(key.expiresAt);
  // After a rotation the old secret keeps working until its grace period ends. Without an end
  // date there is no grace period: the old secret is not indexed at all.
  const previous = gracedPreviousHash(key) === hash;
  return {
    key,
    team,
    expiresAtMs: previous ? Math.min(Date.parse(key.previousHashExpiresAt!), expiresAtMs ?? Infinity) : expiresAtMs,
    // Most keys restrict nothing of their own: they share their plan's set (one per plan, not per key).
    allowedModelIds: intersect(keyModelIds, planModelIds),
    routing: keyRouting(key, team, plan, catalog, warnings),
    plan,
  };
}

const NO_MODELS: ReadonlySet<string> = new Set();

export const modelIds = (catalog: Pick<CompiledCatalog, 'modelIdsByName'>, names: readonly string[]): ReadonlySet<string> =>
  new Set(names.flatMap((name) => catalog.modelIdsByName.get(name) ?? []));

export function chainById(
  chains: ReadonlyMap<string, CompiledFallbackChain>,
  chainId: string | null,
  owner: string,
  warnings: string[],
): CompiledFallbackChain | null {
  if (chainId === null) return null;
  const chain = chains.get(chainId);
  if (!chain) warnings.push(`${owner} names unknown fallback chain ${chainId}`);
  return chain ?? null;
}

/**
 * A key's routing defaults, most specific first: key, then team, then plan (then, per request,
 * the model's own). A key that sets neither its own chain nor its own profile shares its team's
 * (compiled once per team and catalog): one object per team instead of one per key.
 */
function keyRouting(key: SnapshotApiKey, team: SnapshotTeam, plan: SnapshotPlan | null, catalog: CompiledCatalog, warnings: string[]): KeyRouting {
  const own = key.fallbackChainId !== null || key.routingProfile !== null;
  const shared = own ? undefined : catalog.teamRouting.get(team);
  if (shared) return shared;
  const owner = own ? `api key ${key.id}` : `team ${team.id}`;
  const profile = key.routingProfile ?? team.routingProfile ?? plan?.routingProfile ?? null;
  if (profile !== null && !catalog.routingProfiles.has(profile)) warnings.push(`${owner} defaults to unknown routing profile ${profile}`);
  const routing: KeyRouting = {
    fallbackChain: chainById(catalog.chains, key.fallbackChainId ?? team.fallbackChainId ?? plan?.fallbackChainId ?? null, owner, warnings),
    profile: profile !== null && catalog.routingProfiles.has(profile) ? profile : null,
    systemPrompt: team.systemPrompt || plan?.systemPrompt || null,
  };
  if (!own) catalog.teamRouting.set(team, routing);
  return routing;
}

/** null means "no restriction" on either side. */
function intersect(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): ReadonlySet<string> | null {
  if (a === null) return b;
  if (b === null) return a;
  return new Set([...a].filter((id) => b.has(id)));
}
