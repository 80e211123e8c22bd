import { providerBinding, type SecretBox } from '../../shared/crypto/secret-box.ts';
import { BUILT_IN_PROFILES } from '../../shared/routing/built-in-profiles.ts';
import { entryHash } from '../../shared/snapshot/content-digest.ts';
import type { ConfigSnapshot, RoutingStrategy, SnapshotProvider } from '../../shared/snapshot/schema.ts';
import { compileCachePolicies } from '../cache/cache-policy.ts';
import { compileGuardrails } from '../guardrails/compiled-guardrail.ts';
import { chainById, createKeyIndex, keyWarnings, modelIds } from './compile-key.ts';
import type {
  CompiledCatalog,
  CompiledFallbackChain,
  CompiledModel,
  CompiledProvider,
  CompiledSnapshot,
  CompiledTarget,
  KeyIndex,
} from './compiled-snapshot.ts';
import { KeySet } from './key-set.ts';
import { type PackedKeys, packKeys } from './packed-keys.ts';

export interface CompileResult {
  compiled: CompiledSnapshot;
  /** Inconsistencies that were skipped (dangling references, name clashes): worth a log line. */
  warnings: string[];
}

/** A snapshot's API keys as the snapshot worker hands them over: packed, with their warnings. */
export interface LoadedKeys {
  keys: KeySet;
  warnings: readonly string[];
}

/**
 * Precompiles a parsed snapshot: model/alias index with providers resolved, decrypted
 * credentials, and the key index over `loaded` (keys compile on their first lookup), or over the
 * snapshot's own `apiKeys` when none are given (then packed here). Pure apart from decryption;
 * never throws on snapshot content.
 */
export function compileSnapshot(snapshot: ConfigSnapshot, secretBox: Pick<SecretBox, 'open'>, loaded?: LoadedKeys): CompileResult {
  const warnings: string[] = [];
  const catalog = compileCatalog(snapshot, secretBox, warnings);
  const keys = loaded ?? { keys: KeySet.of(packKeys(snapshot.apiKeys, entryHash)), warnings: keyWarnings(snapshot.apiKeys, catalog) };
  warnings.push(...keys.warnings);
  return { compiled: assemble(snapshot, catalog, createKeyIndex(keys.keys, catalog), secretBox, warnings), warnings };
}

/**
 * The snapshot worker's half of a full load: the keys packed (with their entry hashes) and the
 * warnings compiling them gives. Credentials are not opened there: no key depends on them.
 */
export function packSnapshotKeys(snapshot: ConfigSnapshot, entryHashOf: Parameters<typeof packKeys>[1]): { keys: PackedKeys; warnings: string[] } {
  const catalog = compileCatalog(snapshot, { open: () => '' }, []);
  return { keys: packKeys(snapshot.apiKeys, entryHashOf), warnings: keyWarnings(snapshot.apiKeys, catalog) };
}

/**
 * The compiled snapshot of `next` (its keys: `keys`), which a delta that changed `changed` made
 * from the snapshot `previous` was compiled from. Its catalog is patched when only teams changed
 * and compiled again when anything else of it did (providers, models, plans, chains, profiles).
 * Keys compile on their first lookup, as after a full load; the changed ones are compiled here
 * once for their warnings.
 */
export function compileDelta(
  previous: CompiledSnapshot,
  next: ConfigSnapshot,
  keys: KeySet,
  changed: { apiKeys: readonly string[]; teams: readonly string[]; other: boolean },
  secretBox: Pick<SecretBox, 'open'>,
): CompileResult {
  const warnings: string[] = [];
  let catalog = previous.catalog;
  if (changed.other) catalog = compileCatalog(next, secretBox, warnings);
  else if (changed.teams.length > 0) {
    const teamIds = new Set(changed.teams);
    const teams = new Map(catalog.teams);
    for (const id of teamIds) teams.delete(id);
    for (const team of next.teams) if (teamIds.has(team.id)) teams.set(team.id, team);
    catalog = { ...catalog, teams };
  }
  warnings.push(...keyWarnings(new Set(changed.apiKeys.flatMap((id) => keys.byId(id) ?? [])), catalog));
  return { compiled: assemble(next, catalog, createKeyIndex(keys, catalog), secretBox, warnings), warnings };
}

function assemble(
  snapshot: ConfigSnapshot,
  catalog: CompiledCatalog,
  keysByHash: KeyIndex,
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
