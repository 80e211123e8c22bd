import { z } from 'zod';
import { contentHash } from './canonical-json.ts';

/**
 * Contract 1, control plane -> data plane. `major.minor`: a data plane refuses a snapshot whose
 * major it does not know; minor bumps only add optional fields.
 */
export const SNAPSHOT_SCHEMA_VERSION = '1.0';
export const SNAPSHOT_MAJOR = 1;

export const PROVIDER_KINDS = ['openai', 'openai-compatible', 'azure-openai', 'anthropic', 'gemini', 'mock'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

const id = z.string().min(1);

export const SnapshotTeam = z.object({
  id,
  slug: z.string(),
  name: z.string(),
  blocked: z.boolean(),
  /** Prepended as a system message to every request of the team, when set. */
  systemPrompt: z.string().nullable(),
});

export const SnapshotApiKey = z.object({
  id,
  teamId: id,
  /** Hex SHA-256 of the full secret (see shared/keys). The secret itself never leaves creation. */
  hash: z.string().length(64),
  prefix: z.string(),
  /** Empty means every model the team may use. */
  allowedModels: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  revoked: z.boolean(),
});

export const SnapshotProvider = z.object({
  id,
  name: z.string(),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.string().nullable(),
  /**
   * The provider credential, still encrypted with TOLLGATE_SECRET_KEY (shared/crypto). The data
   * plane decrypts it in memory when it compiles the snapshot; it never crosses the bus in clear.
   */
  credential: z.string().nullable(),
  /** Bring-your-own-key: only this team may be routed to the provider. */
  teamId: z.string().nullable(),
});

/** Prices in integer micro-USD per million tokens, from one immutable price version. */
export const SnapshotPrice = z.object({
  version: id,
  inputPerMillion: z.number().int().nonnegative(),
  outputPerMillion: z.number().int().nonnegative(),
  cachedInputPerMillion: z.number().int().nonnegative(),
});

export const SnapshotDeployment = z.object({
  id,
  providerId: id,
  /** The model id the provider knows, e.g. `gpt-4o-mini-2024-07-18`. */
  upstreamModel: z.string(),
  weight: z.number().int().nonnegative(),
});

export const SnapshotModel = z.object({
  id,
  name: z.string(),
  aliases: z.array(z.string()),
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  price: SnapshotPrice.nullable(),
  deployments: z.array(SnapshotDeployment),
});

/** Everything a data plane needs to serve, and nothing it does not. */
export const SnapshotContent = z.object({
  schemaVersion: z.string().regex(/^\d+\.\d+$/),
  teams: z.array(SnapshotTeam),
  apiKeys: z.array(SnapshotApiKey),
  providers: z.array(SnapshotProvider),
  models: z.array(SnapshotModel),
});

export const ConfigSnapshot = SnapshotContent.extend({
  /** Monotonic, assigned by the control plane when it stores the snapshot. */
  version: z.number().int().positive(),
  /** contentHash(SnapshotContent): equal config, equal hash, whatever the version. */
  hash: z.string().length(64),
  createdAt: z.iso.datetime(),
});

export type SnapshotContent = z.infer<typeof SnapshotContent>;
export type ConfigSnapshot = z.infer<typeof ConfigSnapshot>;
export type SnapshotTeam = z.infer<typeof SnapshotTeam>;
export type SnapshotApiKey = z.infer<typeof SnapshotApiKey>;
export type SnapshotProvider = z.infer<typeof SnapshotProvider>;
export type SnapshotModel = z.infer<typeof SnapshotModel>;
export type SnapshotDeployment = z.infer<typeof SnapshotDeployment>;
export type SnapshotPrice = z.infer<typeof SnapshotPrice>;

/**
 * The content hash: everything but the envelope (version, hash, createdAt). Computed on the raw
 * object, so fields added by a newer minor version are covered too.
 */
export function hashSnapshotContent(content: object): string {
  const { version: _v, hash: _h, createdAt: _c, ...rest } = content as Record<string, unknown>;
  return contentHash(rest);
}

export type SnapshotParseResult =
  | { ok: true; snapshot: ConfigSnapshot }
  | { ok: false; reason: string };

/**
 * Validates a stored snapshot: JSON, known major version, schema, and a hash that matches the
 * content. Anything else is refused and the caller keeps the snapshot it has.
 */
export function parseSnapshot(json: string): SnapshotParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'snapshot is not valid JSON' };
  }
  const major = Number(String((raw as { schemaVersion?: unknown })?.schemaVersion ?? '').split('.')[0]);
  if (major !== SNAPSHOT_MAJOR) {
    return { ok: false, reason: `unknown snapshot schema major version: ${String((raw as { schemaVersion?: unknown })?.schemaVersion)}` };
  }
  const parsed = ConfigSnapshot.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `snapshot does not match the schema: ${z.prettifyError(parsed.error)}` };
  if (hashSnapshotContent(raw as object) !== parsed.data.hash) return { ok: false, reason: 'snapshot hash does not match its content' };
  return { ok: true, snapshot: parsed.data };
}
