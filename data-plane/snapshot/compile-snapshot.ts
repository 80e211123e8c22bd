import { providerBinding, type SecretBox } from '../../shared/crypto/secret-box.ts';
import { BUILT_IN_PROFILES } from '../../shared/routing/built-in-profiles.ts';
import type { ConfigSnapshot, RoutingStrategy, SnapshotProvider } from '../../shared/snapshot/schema.ts';
import { compileCachePolicies } from '../cache/cache-policy.ts';
import { compileGuardrails } from '../guardrails/compiled-guardrail.ts';
import type {
  CompiledApiKey,
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
  const warnings: string[] = [];

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
  const chainById = (chainId: string | null, owner: string): CompiledFallbackChain | null => {
    if (chainId === null) return null;
    const chain = chains.get(chainId);
    if (!chain) warnings.push(`${owner} names unknown fallback chain ${chainId}`);
    return chain ?? null;
  };
  for (const compiled of models) compiled.fallbackChain = chainById(compiled.model.fallbackChainId, `model ${compiled.model.name}`);

  const routingProfiles = new Map<string, RoutingStrategy>(Object.entries(BUILT_IN_PROFILES).map(([name, profile]) => [name, profile.strategy]));
  for (const profile of snapshot.routingProfiles) routingProfiles.set(profile.name, profile.strategy);

  const teams = new Map(snapshot.teams.map((team) => [team.id, team]));
  const plans = new Map(snapshot.plans.map((plan) => [plan.id, plan]));
  const toModelIds = (names: readonly string[]) => new Set(names.flatMap((name) => modelIdsByName.get(name) ?? []));
  const keysByHash = new Map<string, CompiledApiKey>();
  for (const key of snapshot.apiKeys) {
    const team = teams.get(key.teamId);
    if (!team) {
      warnings.push(`api key ${key.id} names unknown team ${key.teamId}`);
      continue;
    }
    let planModelIds: ReadonlySet<string> | null = null;
    const plan = team.planId === null ? null : (plans.get(team.planId) ?? null);
    if (team.planId !== null) {
      // A dangling plan reference fails closed: no model rather than every model.
      if (!plan) warnings.push(`team ${team.id} names unknown plan ${team.planId}`);
      planModelIds = !plan ? new Set() : plan.allowedModels.length === 0 ? null : toModelIds(plan.allowedModels);
    }
    const keyModelIds = key.allowedModels.length === 0 ? null : toModelIds(key.allowedModels);
    const profile = key.routingProfile ?? team.routingProfile ?? plan?.routingProfile ?? null;
    if (profile !== null && !routingProfiles.has(profile)) warnings.push(`api key ${key.id} defaults to unknown routing profile ${profile}`);
    const routing: KeyRouting = {
      // Most specific wins: key, then team, then plan (then, per request, the model's own).
      fallbackChain: chainById(key.fallbackChainId ?? team.fallbackChainId ?? plan?.fallbackChainId ?? null, `api key ${key.id}`),
      profile: profile !== null && routingProfiles.has(profile) ? profile : null,
      systemPrompt: team.systemPrompt || plan?.systemPrompt || null,
    };
    const compiled: CompiledApiKey = {
      key,
      team,
      expiresAtMs: key.expiresAt === null ? null : Date.parse(key.expiresAt),
      allowedModelIds: intersect(keyModelIds, planModelIds),
      routing,
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

  return {
    compiled: {
      version: snapshot.version,
      hash: snapshot.hash,
      createdAtSeconds: Math.floor(Date.parse(snapshot.createdAt) / 1000),
      keysByHash,
      modelsByName,
      models,
      routingProfiles,
      budgets: snapshot.budgets,
      cachePolicies: compileCachePolicies(snapshot.cachePolicies),
      guardrails: compileGuardrails(snapshot.guardrails, (sealed, binding) => secretBox.open(sealed, binding), warnings),
    },
    warnings,
  };
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
