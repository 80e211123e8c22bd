import type { SecretBox } from '../../shared/crypto/secret-box.ts';
import type { ConfigSnapshot, SnapshotProvider } from '../../shared/snapshot/schema.ts';
import type { CompiledApiKey, CompiledModel, CompiledProvider, CompiledSnapshot, CompiledTarget } from './compiled-snapshot.ts';

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

  const models: CompiledModel[] = [];
  const modelsByName = new Map<string, CompiledModel>();
  const modelIdsByName = new Map<string, string>();
  for (const model of snapshot.models) {
    const targets: CompiledTarget[] = [];
    for (const deployment of model.deployments) {
      const provider = providers.get(deployment.providerId);
      if (provider) targets.push({ deployment, provider });
      else warnings.push(`deployment ${deployment.id} of model ${model.name} names unknown provider ${deployment.providerId}`);
    }
    const compiled: CompiledModel = { model, targets };
    models.push(compiled);
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
    const compiled: CompiledApiKey = {
      key,
      team,
      expiresAtMs: key.expiresAt === null ? null : Date.parse(key.expiresAt),
      allowedModelIds: intersect(keyModelIds, planModelIds),
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
      budgets: snapshot.budgets,
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
      credential = secretBox.open(provider.credential);
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
    credential,
    teamId: provider.teamId,
    unusableReason,
  };
}
