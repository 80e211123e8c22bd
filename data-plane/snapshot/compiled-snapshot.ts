import type {
  ProviderKind,
  SnapshotApiKey,
  SnapshotBudget,
  SnapshotDeployment,
  SnapshotModel,
  SnapshotPlan,
  SnapshotTeam,
} from '../../shared/snapshot/schema.ts';

/**
 * A snapshot with everything a request needs precomputed. Built once per snapshot version and
 * swapped in as one reference, so a request that read it at entry sees one consistent config to
 * its end, derived indexes included.
 */
export interface CompiledSnapshot {
  readonly version: number;
  readonly hash: string;
  /** Unix seconds of the snapshot's createdAt (the `created` of /v1/models entries). */
  readonly createdAtSeconds: number;
  /** By hashSecret(secret); a rotated key's previous hash too, during its grace period. */
  readonly keysByHash: ReadonlyMap<string, CompiledApiKey>;
  /** By public name and by every alias. */
  readonly modelsByName: ReadonlyMap<string, CompiledModel>;
  /** In snapshot order, for listings. */
  readonly models: readonly CompiledModel[];
  /** Since 1.1: every budget, as in the snapshot (data-plane/money picks those that apply). */
  readonly budgets: readonly SnapshotBudget[];
}

export interface CompiledApiKey {
  readonly key: SnapshotApiKey;
  readonly team: SnapshotTeam;
  /** expiresAt as epoch ms (the earlier grace end for a previous hash), or null for never. */
  readonly expiresAtMs: number | null;
  /**
   * Model ids the key may use: its own allow-list intersected with its team's plan's; null when
   * neither restricts (empty lists mean every model).
   */
  readonly allowedModelIds: ReadonlySet<string> | null;
  /** The team's plan (limits, markup, billing), or null when the team has none or it dangles. */
  readonly plan: SnapshotPlan | null;
}

export interface CompiledModel {
  readonly model: SnapshotModel;
  /** The model's deployments with their providers, in snapshot order. */
  readonly targets: readonly CompiledTarget[];
}

export interface CompiledTarget {
  readonly deployment: SnapshotDeployment;
  readonly provider: CompiledProvider;
}

export interface CompiledProvider {
  readonly id: string;
  readonly name: string;
  readonly kind: ProviderKind;
  readonly baseUrl: string | null;
  /** Decrypted in memory at compile time. Never logged, never sent anywhere but its upstream. */
  readonly credential: string | null;
  /** Bring-your-own-key: only this team may be routed here. */
  readonly teamId: string | null;
  /**
   * Why the provider cannot serve (e.g. its credential did not decrypt with our keys); requests
   * routed to it fail with 503 instead of the whole snapshot being refused.
   */
  readonly unusableReason: string | null;
}
