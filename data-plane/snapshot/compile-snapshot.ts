import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { providerBinding, type SecretBox } from '../../shared/crypto/secret-box.ts';
import { BUILT_IN_PROFILES } from '../../shared/routing/built-in-profiles.ts';
import type { ConfigSnapshot, RoutingStrategy, SnapshotApiKey, SnapshotPlan, SnapshotProvider, SnapshotTeam } from '../../shared/snapshot/schema.ts';
import { compileCachePolicies } from '../cache/cache-policy.ts';
import { compileGuardrails } from '../guardrails/compiled-guardrail.ts';
import type {
  CompiledApiKey,
  CompiledCatalog,
  CompiledFallbackChain,
  CompiledModel,
  CompiledProvider,
  CompiledSnapshot,
  CompiledTarget,
  KeyRouting,
} from './compiled-snapshot.ts';

export interface CompileResult {
  compiled: CompiledSnapshot;
  /** Inconsistencies that were skipped (dangling references, name clashes): worth a log line. */
  warnings: string[];
}

/**
 * Precompiles a parsed snapshot: key index, model/alias index with providers resolved, decrypted
 * credentials. Pure apart from decryption; never throws on snapshot content.
 */
export function compileSnapshot(snapshot: ConfigSnapshot, secretBox: Pick<SecretBox, 'open'>): CompileResult {
  const steps = compileSteps(snapshot, secretBox, Number.POSITIVE_INFINITY);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/** Keys compiled between two macrotasks by `compileSnapshotInSlices`: 500 measured a longer loop block (14-15 ms) than 250 (9.5-11 ms); 100 bought nothing more. */
export const COMPILE_SLICE_KEYS = 250;

/**
 * `compileSnapshot`, yielding to the event loop after every `COMPILE_SLICE_KEYS` keys: a full
 * load of a 10,000-key snapshot does not stall the requests in flight (issue 12 item 3).
 */
export async function compileSnapshotInSlices(snapshot: ConfigSnapshot, secretBox: Pick<SecretBox, 'open'>): Promise<CompileResult> {
  const steps = compileSteps(snapshot, secretBox, COMPILE_SLICE_KEYS);
  let step = steps.next();
  while (!step.done) {
    await nextMacrotask();
    step = steps.next();
  }
  return step.value;
}

/** The one compile: yields after every `sliceKeys` keys, so a caller may let other work run in between. */
function* compileSteps(snapshot: ConfigSnapshot, secretBox: Pick<SecretBox, 'open'>, sliceKeys: number): Generator<void, CompileResult> {
  const warnings: string[] = [];
  const catalog = compileCatalog(snapshot, secretBox, warnings);
  const keysByHash = new Map<string, CompiledApiKey>();
  for (let i = 0; i < snapshot.apiKeys.length; i++) {
    if (i > 0 && i % sliceKeys === 0) yield;
    indexKey(keysByHash, snapshot.apiKeys[i], catalog, warnings);
  }
  return { compiled: assemble(snapshot, catalog, keysByHash, secretBox, warnings), warnings };
}

/**
 * The compiled snapshot of `next`, which a delta that changed only `changed` sections made from
 * the snapshot `previous` was compiled from. Keys, teams and budgets (the sections that grow with
 * customers) are patched: only the changed keys, and the keys of changed teams, are compiled
 * again; the rest of the key index is shared by reference. A change to anything else (providers,
 * models, plans, chains, profiles) compiles the whole snapshot, as a full load does.
 */
export function compileDelta(
  previous: CompiledSnapshot,
  next: ConfigSnapshot,
  changed: { apiKeys?: readonly string[]; teams?: readonly string[]; budgets?: boolean; other?: boolean },
  secretBox: Pick<SecretBox, 'open'>,
): CompileResult {
  if (changed.other) return compileSnapshot(next, secretBox);
  const warnings: string[] = [];
  let catalog = previous.catalog;
  const keyIds = new Set(changed.apiKeys ?? []);
  const teamIds = new Set(changed.teams ?? []);
  if (teamIds.size > 0) {
    const teams = new Map(catalog.teams);
    for (const id of teamIds) teams.delete(id);
    for (const team of next.teams) if (teamIds.has(team.id)) teams.set(team.id, team);
    catalog = { ...catalog, teams };
  }
  let keysByHash = previous.keysByHash as Map<string, CompiledApiKey>;
  if (keyIds.size > 0 || teamIds.size > 0) {
    keysByHash = new Map(keysByHash);
    // A key is indexed under its hash and, during a rotation's grace period, its previous hash.
    for (const [hash, compiled] of keysByHash) if (keyIds.has(compiled.key.id) || teamIds.has(compiled.team.id)) keysByHash.delete(hash);
    for (const key of next.apiKeys) if (keyIds.has(key.id) || teamIds.has(key.teamId)) indexKey(keysByHash, key, catalog, warnings);
  }
  return { compiled: assemble(next, catalog, keysByHash, secretBox, warnings), warnings };
}

function assemble(
  snapshot: ConfigSnapshot,
  catalog: CompiledCatalog,
  keysByHash: Map<string, CompiledApiKey>,
  secretBox: Pick<SecretBox, 'open'>,
  warnings: string[],
): CompiledSnapshot {
  return {
    version: snapshot.version,
    hash: snapshot.hash,
    createdAtSeconds: Math.floor(Date.parse(snapshot.createdAt) / 1000),
    keysByHash,
    modelsByName: catalog.modelsByName,
    models: catalog.models,
    routingProfiles: catalog.routingProfiles,
    budgets: snapshot.budgets,
    // A few rows each (plans, teams and keys that set one): compiled again with every version.
    cachePolicies: compileCachePolicies(snapshot.cachePolicies),
    guardrails: compileGuardrails(snapshot.guardrails, (sealed, binding) => secretBox.open(sealed, binding), warnings),
    // The same object while a delta leaves it alone: the routing policy derived from it is kept.
    routingDefaults: snapshot.routingDefaults?.[0] ?? null,
    catalog,
  };
}

/** Everything but the keys: providers, models, chains, profiles, teams and plans, resolved. */
function compileCatalog(snapshot: ConfigSnapshot, secretBox: Pick<SecretBox, 'open'>, warnings: string[]): CompiledCatalog {
  const providers = new Map<string, CompiledProvider>();
  for (const provider of snapshot.providers) providers.set(provider.id, compileProvider(provider, secretBox, warnings));

  const models: { -readonly [K in keyof CompiledModel]: CompiledModel[K] }[] = [];
  const modelsByName = new Map<string, CompiledModel>();
  const modelsById = new Map<string, CompiledModel>();
  const modelIdsByName = new Map<string, string>();
  for (const model of snapshot.models) {
    const targets: CompiledTarget[] = [];
    for (const deployment of model.deployments) {
      const provider = providers.get(deployment.providerId);
      if (provider) targets.push({ deployment, provider });
      else warnings.push(`deployment ${deployment.id} of model ${model.name} names unknown provider ${deployment.providerId}`);
    }
    const compiled = { model, targets, fallbackChain: null as CompiledFallbackChain | null };
    models.push(compiled);
    modelsById.set(model.id, compiled);
    // Names first, then aliases, so an alias can never shadow another model's real name.
    if (modelsByName.has(model.name)) warnings.push(`duplicate model name ${model.name}`);
    else modelsByName.set(model.name, compiled);
  }
  for (const compiled of models) {
    for (const alias of compiled.model.aliases) {
      if (modelsByName.has(alias)) warnings.push(`alias ${alias} of model ${compiled.model.name} is already taken`);
      else modelsByName.set(alias, compiled);
    }
  }
  for (const [name, compiled] of modelsByName) modelIdsByName.set(name, compiled.model.id);

  // Fallback chains resolved once, so a request's plan is a loop over a list, never a lookup chain.
  const chains = new Map<string, CompiledFallbackChain>();
  for (const chain of snapshot.fallbackChains) {
    const chainModels: CompiledModel[] = [];
    for (const modelId of chain.modelIds) {
      const target = modelsById.get(modelId);
      if (target) chainModels.push(target);
      else warnings.push(`fallback chain ${chain.name} names unknown model ${modelId}`);
    }
    chains.set(chain.id, { id: chain.id, name: chain.name, models: chainModels, triggers: new Set(chain.triggers) });
  }
  for (const compiled of models) compiled.fallbackChain = chainById(chains, compiled.model.fallbackChainId, `model ${compiled.model.name}`, warnings);

  const routingProfiles = new Map<string, RoutingStrategy>(Object.entries(BUILT_IN_PROFILES).map(([name, profile]) => [name, profile.strategy]));
  for (const profile of snapshot.routingProfiles) routingProfiles.set(profile.name, profile.strategy);

  const catalog: CompiledCatalog = {
    modelsByName,
    models,
    modelIdsByName,
    chains,
    routingProfiles,
    teams: new Map(snapshot.teams.map((team) => [team.id, team])),
    plans: new Map(snapshot.plans.map((plan) => [plan.id, plan])),
    planModelIds: new Map(),
    teamRouting: new WeakMap(),
  };
  for (const plan of snapshot.plans) catalog.planModelIds.set(plan.id, plan.allowedModels.length === 0 ? null : modelIds(catalog, plan.allowedModels));
  return catalog;
}

function chainById(
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

/** Compiles one key and indexes it under its hash (and its previous hash during a rotation's grace period). */
function indexKey(keysByHash: Map<string, CompiledApiKey>, key: SnapshotApiKey, catalog: CompiledCatalog, warnings: string[]): void {
  const team = catalog.teams.get(key.teamId);
  if (!team) {
    warnings.push(`api key ${key.id} names unknown team ${key.teamId}`);
    return;
  }
  const plan = team.planId === null ? null : (catalog.plans.get(team.planId) ?? null);
  // A dangling plan reference fails closed: no model rather than every model.
  if (team.planId !== null && !plan) warnings.push(`team ${team.id} names unknown plan ${team.planId}`);
  const planModelIds = team.planId === null ? null : catalog.planModelIds.has(team.planId) ? catalog.planModelIds.get(team.planId)! : NO_MODELS;
  const keyModelIds = key.allowedModels.length === 0 ? null : modelIds(catalog, key.allowedModels);
  const compiled: CompiledApiKey = {
    key,
    team,
    expiresAtMs: key.expiresAt === null ? null : Date.parse(key.expiresAt),
    // Most keys restrict nothing of their own: they share their plan's set (one per plan, not per key).
    allowedModelIds: intersect(keyModelIds, planModelIds),
    routing: keyRouting(key, team, plan, catalog, warnings),
    plan,
  };
  keysByHash.set(key.hash, compiled);
  // After a rotation the old secret keeps working until its grace period ends. Without an end
  // date there is no grace period: the old secret is not indexed at all.
  if (key.previousHash !== null && key.previousHashExpiresAt !== null) {
    const graceEnds = Date.parse(key.previousHashExpiresAt);
    keysByHash.set(key.previousHash, { ...compiled, expiresAtMs: Math.min(graceEnds, compiled.expiresAtMs ?? Infinity) });
  }
}

const NO_MODELS: ReadonlySet<string> = new Set();

const modelIds = (catalog: CompiledCatalog, names: readonly string[]): ReadonlySet<string> =>
  new Set(names.flatMap((name) => catalog.modelIdsByName.get(name) ?? []));

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

function compileProvider(provider: SnapshotProvider, secretBox: Pick<SecretBox, 'open'>, warnings: string[]): CompiledProvider {
  let credential: string | null = null;
  let unusableReason: string | null = null;
  if (provider.credential !== null) {
    try {
      // Bound to the provider's id and base URL: a credential moved to another provider or
      // repointed to another host does not open, whoever wrote the snapshot.
      credential = secretBox.open(provider.credential, providerBinding(provider));
    } catch (error) {
      // Only the reason, never the sealed value: it is useless without the key but still a secret.
      unusableReason = `credential of provider ${provider.name} cannot be decrypted: ${(error as Error).message}`;
      warnings.push(unusableReason);
    }
  }
  return {
    id: provider.id,
    name: provider.name,
    kind: provider.kind,
    baseUrl: provider.baseUrl,
    apiVersion: provider.apiVersion,
    region: provider.region,
    credential,
    teamId: provider.teamId,
    unusableReason,
  };
}
