import type {
  FallbackTrigger,
  ProviderKind,
  RoutingStrategy,
  SnapshotApiKey,
  SnapshotBudget,
  SnapshotDeployment,
  SnapshotModel,
  SnapshotPlan,
  SnapshotRoutingDefaults,
  SnapshotTeam,
} from '../../shared/snapshot/schema.ts';
import type { CachePolicyIndex } from '../cache/cache-policy.ts';
import type { GuardrailIndex } from '../guardrails/compiled-guardrail.ts';
import type { KeySet } from './key-set.ts';

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
  readonly keysByHash: KeyIndex;
  /** By public name and by every alias. */
  readonly modelsByName: ReadonlyMap<string, CompiledModel>;
  /** In snapshot order, for listings. */
  readonly models: readonly CompiledModel[];
  /**
   * Routing profile name -> strategy: the built-in profiles (routing/routing-profiles.ts)
   * overlaid by the snapshot's own, which win on a name clash.
   */
  readonly routingProfiles: ReadonlyMap<string, RoutingStrategy>;
  /** Since 1.1: every budget, as in the snapshot (data-plane/money picks those that apply). */
  readonly budgets: readonly SnapshotBudget[];
  /** Since 1.3: the response cache's policies, by plan, team and key. */
  readonly cachePolicies: CachePolicyIndex;
  /** Since 1.5: each team's guardrails (its plan's, then its own), checks compiled. */
  readonly guardrails: GuardrailIndex;
  /** Since 2.1: the platform's routing defaults, over the data plane's own (routing/routing-runtime.ts); null: none set. */
  readonly routingDefaults: SnapshotRoutingDefaults | null;
  /** What keys are compiled against; kept so a delta compiles only the keys it changed. */
  readonly catalog: CompiledCatalog;
}

/** Compiled keys by secret hash (compile-key.ts): each compiled on its first lookup. */
export interface KeyIndex {
  get(hash: string): CompiledApiKey | undefined;
  has(hash: string): boolean;
  /** What it compiles from; a delta makes the next version's keys from them. */
  readonly keys: KeySet;
}

/** The resolved config apart from keys (compile-snapshot.ts). */
export interface CompiledCatalog {
  readonly modelsByName: ReadonlyMap<string, CompiledModel>;
  readonly models: readonly CompiledModel[];
  readonly modelIdsByName: ReadonlyMap<string, string>;
  readonly chains: ReadonlyMap<string, CompiledFallbackChain>;
  readonly routingProfiles: ReadonlyMap<string, RoutingStrategy>;
  readonly teams: ReadonlyMap<string, SnapshotTeam>;
  readonly plans: ReadonlyMap<string, SnapshotPlan>;
  /** Each plan's allowed model ids (null: every model), shared by the keys of its teams that restrict nothing themselves. */
  readonly planModelIds: Map<string, ReadonlySet<string> | null>;
  /**
   * Each team's routing defaults, shared by its keys that set no chain or profile of their own.
   * By team object: a delta that changes a team brings a new object, compiled again.
   */
  readonly teamRouting: WeakMap<SnapshotTeam, KeyRouting>;
}

/** A fallback chain with its model ids resolved; ids that name no model are dropped (warned). */
export interface CompiledFallbackChain {
  readonly id: string;
  readonly name: string;
  /** In chain order. */
  readonly models: readonly CompiledModel[];
  readonly triggers: ReadonlySet<FallbackTrigger>;
}

/**
 * Routing defaults of a key, resolved at compile time with the most specific level winning
 * (key > team > plan); the model's own chain applies when none of them names one.
 */
export interface KeyRouting {
  readonly fallbackChain: CompiledFallbackChain | null;
  /** A profile name; null means the default profile. Validated against routingProfiles. */
  readonly profile: string | null;
  /** The team's system prompt, else its plan's; null when neither sets one. */
  readonly systemPrompt: string | null;
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
  readonly routing: KeyRouting;
  /** The team's plan (limits, markup, billing), or null when the team has none or it dangles. */
  readonly plan: SnapshotPlan | null;
}

export interface CompiledModel {
  readonly model: SnapshotModel;
  /** The model's deployments with their providers, in snapshot order. */
  readonly targets: readonly CompiledTarget[];
  /** The model's own fallback chain, used when the key, team and plan name none. */
  readonly fallbackChain: CompiledFallbackChain | null;
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
  /** Azure OpenAI's `api-version` query parameter; null for other kinds (and for Azure's default). */
  readonly apiVersion: string | null;
  /** The AWS region (`bedrock`) or Google Cloud location (`vertex`); null for other kinds. */
  readonly region: string | null;
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
