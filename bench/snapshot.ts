import type { z } from 'zod';
import { createSecretBox, parseSecretKeys, providerBinding } from '../shared/crypto/secret-box.ts';
import { hashSecret } from '../shared/keys/api-key.ts';
import { type ConfigSnapshot, hashSnapshotContent, SNAPSHOT_SCHEMA_VERSION, SnapshotContent } from '../shared/snapshot/schema.ts';

/** The secret key both the bench and its gateway use to seal and open provider credentials. */
export const BENCH_SECRET_KEY = `bench:${Buffer.alloc(32, 42).toString('base64')}`;
export const UPSTREAM_CREDENTIAL = 'sk-bench-upstream-0123456789abcdef';

export interface BenchSnapshotOptions {
  version: number;
  upstreamBaseUrl: string;
  keys: number;
  models: number;
  teams: number;
  /** A later revision of the same config (one team renamed): a real change, with a new hash. */
  revision?: number;
}

export interface BenchSnapshot {
  snapshot: ConfigSnapshot;
  json: string;
  /** (secret, model) pairs a request may use: active keys, allowed models. */
  requestPairs: { secret: string; model: string }[];
  /** What the snapshot turns on, for the report. */
  contents: { keys: number; models: number; teams: number; plans: number; limits: number; budgets: number };
}

export function benchSecret(index: number): string {
  return `tg_bench_${String(index).padStart(8, '0')}_${'x'.repeat(30)}`;
}

const PLANS = [
  { id: 'plan-free', name: 'Free', models: 50, rpm: 600, tpm: 200_000, maxParallel: 8 },
  { id: 'plan-team', name: 'Team', models: 0, rpm: 6_000, tpm: 2_000_000, maxParallel: 64 },
  { id: 'plan-enterprise', name: 'Enterprise', models: 0, rpm: 60_000, tpm: 20_000_000, maxParallel: 512 },
];

/**
 * A realistic deployment's snapshot: `keys` API keys over `teams` teams on three plans with rate
 * limits, a monthly hard budget per team and a daily one on every fifth key, `models` priced models
 * with an alias each, spread over four providers that all point at the fake upstream. Limits are
 * far above what the benchmark drives, so they never reject: we measure their cost, not their effect.
 */
export function benchSnapshot(options: BenchSnapshotOptions): BenchSnapshot {
  const box = createSecretBox(parseSecretKeys(BENCH_SECRET_KEY));
  const modelName = (i: number) => `bench-model-${String(i).padStart(3, '0')}`;
  const providers = [0, 1, 2, 3].map((i) => ({
    id: `prov-${i}`,
    name: `bench-provider-${i}`,
    kind: 'openai-compatible' as const,
    baseUrl: options.upstreamBaseUrl,
    credential: box.seal(UPSTREAM_CREDENTIAL, providerBinding({ id: `prov-${i}`, baseUrl: options.upstreamBaseUrl })),
    teamId: null,
  }));
  const models = Array.from({ length: options.models }, (_, i) => ({
    id: `model-${i}`,
    name: modelName(i),
    aliases: [`bench-alias-${i}`],
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    price: { version: `price-${i}`, inputPerMillion: 150_000 + i, outputPerMillion: 600_000 + i, cachedInputPerMillion: 75_000 },
    deployments: [
      { id: `dep-${i}-a`, providerId: `prov-${i % 4}`, upstreamModel: `upstream-${i}`, weight: 3, limits: { rpm: 100_000, tpm: null, maxParallel: null } },
      { id: `dep-${i}-b`, providerId: `prov-${(i + 1) % 4}`, upstreamModel: `upstream-${i}`, weight: 1 },
    ],
  }));
  const plans = PLANS.map((plan) => ({
    id: plan.id,
    name: plan.name,
    allowedModels: plan.models === 0 ? [] : Array.from({ length: plan.models }, (_, i) => modelName(i)),
    limits: { rpm: plan.rpm, tpm: plan.tpm, maxParallel: plan.maxParallel },
    markupBasisPoints: 1500,
    billing: 'prepaid' as const,
  }));
  const teams = Array.from({ length: options.teams }, (_, i) => ({
    id: `team-${i}`,
    slug: `team-${i}`,
    name: i === 0 && options.revision ? `Team 0 (revision ${options.revision})` : `Team ${i}`,
    blocked: i % 97 === 96,
    systemPrompt: null,
    planId: PLANS[i % PLANS.length].id,
    creditsGrantedMicroUsd: 100_000_000,
  }));
  const apiKeys = Array.from({ length: options.keys }, (_, i) => ({
    id: `key-${i}`,
    teamId: `team-${i % options.teams}`,
    hash: hashSecret(benchSecret(i)),
    prefix: benchSecret(i).slice(0, 10),
    // Every tenth key is restricted to three models.
    allowedModels: i % 10 === 9 ? [modelName(i % 50), modelName((i + 1) % 50), modelName((i + 2) % 50)] : [],
    expiresAt: i % 50 === 49 ? '2020-01-01T00:00:00.000Z' : null,
    revoked: i % 101 === 100,
    limits: i % 4 === 0 ? { rpm: 1_000_000, tpm: null, maxParallel: 1024 } : undefined,
  }));
  const budgets = [
    ...teams.map((team) => ({
      id: `budget-${team.id}`,
      scope: 'team' as const,
      scopeId: team.id,
      amountMicroUsd: 1_000_000_000_000,
      period: 'monthly' as const,
      hard: true,
      alertThresholds: [50, 80, 100],
    })),
    ...apiKeys
      .filter((_, i) => i % 5 === 0)
      .map((key) => ({
        id: `budget-${key.id}`,
        scope: 'key' as const,
        scopeId: key.id,
        amountMicroUsd: 1_000_000_000_000,
        period: 'daily' as const,
        hard: true,
        alertThresholds: [80],
      })),
  ];

  const input: z.input<typeof SnapshotContent> = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    teams,
    apiKeys,
    providers,
    models,
    plans,
    budgets,
  };
  const content = SnapshotContent.parse(input);
  const snapshot: ConfigSnapshot = { ...content, version: options.version, hash: hashSnapshotContent(content), createdAt: new Date().toISOString() };

  const requestPairs: BenchSnapshot['requestPairs'] = [];
  for (let j = 0; requestPairs.length < 256; j++) {
    const i = (j * 37) % options.keys;
    const key = apiKeys[i];
    const team = teams[i % options.teams];
    if (key.revoked || key.expiresAt !== null || team.blocked) continue;
    const plan = PLANS[(i % options.teams) % PLANS.length];
    const candidates = key.allowedModels.length > 0 ? key.allowedModels : [modelName((j * 13) % (plan.models || options.models))];
    requestPairs.push({ secret: benchSecret(i), model: candidates[j % candidates.length] });
  }
  const limits = plans.length + apiKeys.filter((k) => k.limits).length + models.length;
  return {
    snapshot,
    json: JSON.stringify(snapshot),
    requestPairs,
    contents: { keys: apiKeys.length, models: models.length, teams: teams.length, plans: plans.length, limits, budgets: budgets.length },
  };
}
