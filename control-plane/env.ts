import { z } from 'zod';
import { redisUrlSetting } from '../shared/bus/redis-url-setting.ts';
import { secretSettingsProblems } from '../shared/crypto/secret-key-file.ts';
import { SECRET_KEY_KDFS } from '../shared/crypto/secret-keys.ts';
import { idleMemoryReturnSetting } from '../shared/runtime/idle-memory-return.ts';

/** The control plane's configuration: the one place that reads process.env for this plane. */
const ControlPlaneEnv = z
  .object({
    CONTROL_PLANE_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** PostgreSQL; unset means the embedded PGlite under TOLLGATE_DATA_DIR. */
    DATABASE_URL: z.url().optional(),
    /** Redis; unset means the in-process bus (both planes in one process). `redis+cluster://` names a cluster. */
    REDIS_URL: redisUrlSetting,
    TOLLGATE_BUS_PREFIX: z.string().min(1).default('tollgate'),
    TOLLGATE_DATA_DIR: z.string().min(1).default('.tollgate'),
    /** Comma-separated `id:base64key`, the first current. Unset: generated under the data dir. */
    TOLLGATE_SECRET_KEY: z.string().min(1).optional(),
    /** `scrypt`: TOLLGATE_SECRET_KEY's entries are passphrases (>= 20 characters) to derive keys from. */
    TOLLGATE_SECRET_KEY_KDF: z.enum(SECRET_KEY_KDFS).default('none'),
    /** The platform admin key. Unset: generated on first start and printed once. */
    TOLLGATE_ADMIN_KEY: z.string().min(16, 'TOLLGATE_ADMIN_KEY must be at least 16 characters').optional(),
    NODE_ENV: z.string().default('development'),
    /** GraphQL POST bodies above this are refused unread with 413 (control-plane/graphql-gate.ts). */
    TOLLGATE_GRAPHQL_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** The data plane the console's playground sends its chats to (`npm start` knows its own). */
    TOLLGATE_DATA_PLANE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** This process's id in heartbeats. Unset: host name + pid. */
    TOLLGATE_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/)
      .optional(),
    /** Control-plane heartbeat period (data planes report `control_plane_down` after 3 missed). */
    TOLLGATE_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().nonnegative().default(5_000),
    /** How often the stored snapshot on the bus is checked (missing, older, forged) and healed; 0: never. */
    TOLLGATE_SNAPSHOT_CHECK_INTERVAL_MS: z.coerce.number().int().nonnegative().default(5_000),
    /** Every stored usage event is POSTed here in batches (Langfuse, a warehouse loader...). */
    TOLLGATE_USAGE_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Raw usage events are deleted after this many whole UTC days; unset: kept forever. Counters stay. */
    TOLLGATE_USAGE_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
    /** Usage stream entries a replica took and did not acknowledge for this long (it died) are claimed by another. */
    TOLLGATE_USAGE_CLAIM_IDLE_MS: z.coerce.number().int().min(1000).default(30_000),
    /** How often singleton jobs (retention) tick on the replica holding their lease; a lease lasts three ticks. */
    TOLLGATE_SINGLETON_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
    /** HMAC-SHA256 key for `x-tollgate-signature`; required with the URL. */
    TOLLGATE_USAGE_WEBHOOK_SECRET: z.string().min(16, 'TOLLGATE_USAGE_WEBHOOK_SECRET must be at least 16 characters').optional(),
    /** Undelivered events older than this are dropped from the webhook's outbox (counted `dropped`). */
    TOLLGATE_USAGE_WEBHOOK_MAX_AGE_HOURS: z.coerce.number().positive().default(72),
    /** How often the replica holding the webhook's lease reads its outbox; the lease lasts three of these plus a POST's 10 s. */
    TOLLGATE_USAGE_WEBHOOK_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
    /** A config file (docs/config-as-code.md) applied at every start, for GitOps; a broken one stops the start. */
    TOLLGATE_CONFIG_FILE: z.string().min(1).optional(),
    /** `off`: keep the heap and malloc's free memory after load instead of returning them when quiet (shared/runtime/idle-memory-return.ts). */
    TOLLGATE_IDLE_MEMORY_RETURN: idleMemoryReturnSetting,
  })
  .refine((env) => !env.TOLLGATE_USAGE_WEBHOOK_URL || env.TOLLGATE_USAGE_WEBHOOK_SECRET, {
    message: 'TOLLGATE_USAGE_WEBHOOK_URL needs TOLLGATE_USAGE_WEBHOOK_SECRET (receivers must be able to verify what they get)',
    path: ['TOLLGATE_USAGE_WEBHOOK_SECRET'],
  })
  .superRefine((env, context) => {
    // A short or malformed key, or in production a key or admin key published as an example.
    const problems = secretSettingsProblems({
      secretKey: env.TOLLGATE_SECRET_KEY,
      kdf: env.TOLLGATE_SECRET_KEY_KDF,
      adminKey: env.TOLLGATE_ADMIN_KEY,
      production: env.NODE_ENV === 'production',
    });
    for (const message of problems) context.addIssue({ code: 'custom', message, path: [message.split(':')[0]] });
  });

export type ControlPlaneEnv = z.infer<typeof ControlPlaneEnv>;

/** Parses the environment; prints every problem at once and exits on any. */
export function readControlPlaneEnv(env: NodeJS.ProcessEnv = process.env): ControlPlaneEnv {
  const parsed = ControlPlaneEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  console.error(`Invalid control-plane configuration:\n${z.prettifyError(parsed.error)}`);
  process.exit(1);
}

/**
 * The values of the environment variables a config file references as `${NAME}` (its provider
 * credentials), read here so that process.env stays in this file.
 */
export function readReferencedVariables(names: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, env[name]]));
}
