import { z } from 'zod';
import { redisUrlSetting } from '../shared/bus/redis-url-setting.ts';
import { secretSettingsProblems } from '../shared/crypto/secret-key-file.ts';
import { SECRET_KEY_KDFS, type SecretKeyKdf } from '../shared/crypto/secret-keys.ts';
import { idleMemoryReturnSetting } from '../shared/runtime/idle-memory-return.ts';
import { parseAllowedRanges } from './providers/address-guard.ts';
import type { CooldownPolicy } from './routing/cooldown.ts';
import type { RetryPolicy } from './routing/retry-policy.ts';
import type { AttemptTimeouts } from './routing/timeouts.ts';

/**
 * The data plane's configuration, from the environment. The only reader of process.env in this
 * plane: everything else receives its slice as arguments.
 */
const positiveInt = z.coerce.number().int().positive();

const DataPlaneEnv = z.object({
  DATA_PLANE_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Unset: the in-process bus (only useful when the control plane runs in the same process). `redis+cluster://` names a cluster. */
  REDIS_URL: redisUrlSetting,
  TOLLGATE_BUS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/)
    .default('tollgate'),
  /**
   * Opens provider credentials in snapshots: `id:base64key[,id:base64key...]`, the same value as
   * the control plane's. Unset: the key file under TOLLGATE_DATA_DIR (shared/crypto/secret-key-file).
   */
  TOLLGATE_SECRET_KEY: z.string().min(1).optional(),
  /** `scrypt`: TOLLGATE_SECRET_KEY's entries are passphrases to derive keys from (as on the control plane). */
  TOLLGATE_SECRET_KEY_KDF: z.enum(SECRET_KEY_KDFS).default('none'),
  /** `production` refuses the example secret key published in this repository. */
  NODE_ENV: z.string().default('development'),
  TOLLGATE_DATA_DIR: z.string().min(1).default('.tollgate'),
  /** Comma-separated CIDRs team-owned providers may reach although they are not public (default: none). */
  TOLLGATE_BYOK_ALLOWED_CIDRS: z.string().optional(),
  /** Share of each limit and hard budget one data plane allows itself while Redis is down (1/N of N planes). */
  TOLLGATE_LIMITS_LOCAL_SHARE: z.coerce.number().gt(0).max(1).default(1),
  /** Bytes the in-process response cache may hold (without Redis); least recently used entries go first. */
  TOLLGATE_CACHE_MEMORY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  TOLLGATE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** On SIGTERM, how long in-flight requests get to finish before they end with a terminal error. */
  TOLLGATE_DRAIN_TIMEOUT_MS: z.coerce.number().int().nonnegative().default(25_000),
  /** This process's id in the fleet view. Unset: host name + pid (the pod name on Kubernetes). */
  TOLLGATE_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/)
    .optional(),
  /** Fleet heartbeat period; 0 sends none. */
  TOLLGATE_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().nonnegative().default(5_000),
  /** Serving an older snapshot than the control plane's target this long: degraded `snapshot_stale`. */
  TOLLGATE_SNAPSHOT_STALE_MS: z.coerce.number().int().positive().default(10_000),
  /** With Redis: keep the last good snapshot in TOLLGATE_DATA_DIR/snapshot.json and boot from it. */
  TOLLGATE_SNAPSHOT_ON_DISK: z.enum(['true', 'false']).default('true'),
  /** `off`: keep the heap and malloc's free memory after load instead of returning them when quiet (shared/runtime/idle-memory-return.ts). */
  TOLLGATE_IDLE_MEMORY_RETURN: idleMemoryReturnSetting,
  /** OpenTelemetry's standard variable: when set, request and attempt spans go to `<it>/v1/traces` (OTLP/HTTP JSON). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OpenTelemetry's standard service name; default `tollgate-data-plane`. */
  OTEL_SERVICE_NAME: z.string().min(1).default('tollgate-data-plane'),
  // Routing defaults (docs/routing.md). Unset: the built-in defaults; a deployment's own timeouts
  // in the snapshot win over these.
  TOLLGATE_MAX_ATTEMPTS: positiveInt.optional(),
  TOLLGATE_MAX_ATTEMPTS_PER_MODEL: positiveInt.optional(),
  TOLLGATE_RETRY_BACKOFF_MS: positiveInt.optional(),
  TOLLGATE_RETRY_BACKOFF_MAX_MS: positiveInt.optional(),
  TOLLGATE_TIMEOUT_CONNECT_MS: positiveInt.optional(),
  TOLLGATE_TIMEOUT_FIRST_BYTE_MS: positiveInt.optional(),
  TOLLGATE_TIMEOUT_TOTAL_MS: positiveInt.optional(),
  TOLLGATE_TIMEOUT_IDLE_MS: positiveInt.optional(),
  TOLLGATE_COOLDOWN_FAILURES: positiveInt.optional(),
  TOLLGATE_COOLDOWN_WINDOW_MS: positiveInt.optional(),
  TOLLGATE_COOLDOWN_MS: positiveInt.optional(),
});

export interface DataPlaneConfig {
  port: number;
  host: string;
  redisUrl: string | undefined;
  busPrefix: string;
  secretKey: string | undefined;
  secretKeyKdf: SecretKeyKdf;
  /** Private ranges team-owned providers may reach anyway; empty: public addresses only. */
  byokAllowedCidrs: string[];
  dataDir: string;
  maxBodyBytes: number;
  limitsLocalShare: number;
  cacheMemoryBytes: number;
  logLevel: z.infer<typeof DataPlaneEnv>['LOG_LEVEL'];
  drainTimeoutMs: number;
  instanceId: string | undefined;
  heartbeatIntervalMs: number;
  snapshotStaleAfterMs: number;
  /** Return memory to the system once the process is quiet after load. */
  idleMemoryReturn: boolean;
  /** Where the last good snapshot is kept; undefined when turned off. */
  snapshotDir: string | undefined;
  /** OTLP/HTTP endpoint for traces; undefined: no tracing (the SDK is not loaded). */
  otlpEndpoint: string | undefined;
  serviceName: string;
  /** Only what the environment sets; the rest stays at the routing runtime's defaults. */
  routing: {
    retry: Partial<RetryPolicy>;
    timeouts: Partial<AttemptTimeouts>;
    cooldown: Partial<CooldownPolicy>;
  };
}

export type EnvParseResult = { ok: true; config: DataPlaneConfig } | { ok: false; errors: string[] };

/** Validates an environment; every problem is reported, not just the first. */
export function parseDataPlaneEnv(env: Record<string, string | undefined>): EnvParseResult {
  // An empty variable means unset, as shells and compose files commonly write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = DataPlaneEnv.safeParse(present);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  }
  const e = parsed.data;
  const secretProblems = secretSettingsProblems({ secretKey: e.TOLLGATE_SECRET_KEY, kdf: e.TOLLGATE_SECRET_KEY_KDF, production: e.NODE_ENV === 'production' });
  const byokAllowedCidrs = (e.TOLLGATE_BYOK_ALLOWED_CIDRS ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const rangeProblems = parseAllowedRanges(byokAllowedCidrs).problems.map((problem) => `TOLLGATE_BYOK_ALLOWED_CIDRS: ${problem}`);
  if (secretProblems.length + rangeProblems.length > 0) return { ok: false, errors: [...secretProblems, ...rangeProblems] };
  return {
    ok: true,
    config: {
      port: e.DATA_PLANE_PORT,
      host: e.HOST,
      redisUrl: e.REDIS_URL,
      busPrefix: e.TOLLGATE_BUS_PREFIX,
      secretKey: e.TOLLGATE_SECRET_KEY,
      secretKeyKdf: e.TOLLGATE_SECRET_KEY_KDF,
      byokAllowedCidrs,
      dataDir: e.TOLLGATE_DATA_DIR,
      maxBodyBytes: e.TOLLGATE_MAX_BODY_BYTES,
      limitsLocalShare: e.TOLLGATE_LIMITS_LOCAL_SHARE,
      cacheMemoryBytes: e.TOLLGATE_CACHE_MEMORY_BYTES,
      logLevel: e.LOG_LEVEL,
      drainTimeoutMs: e.TOLLGATE_DRAIN_TIMEOUT_MS,
      instanceId: e.TOLLGATE_INSTANCE_ID,
      heartbeatIntervalMs: e.TOLLGATE_HEARTBEAT_INTERVAL_MS,
      snapshotStaleAfterMs: e.TOLLGATE_SNAPSHOT_STALE_MS,
      idleMemoryReturn: e.TOLLGATE_IDLE_MEMORY_RETURN === 'on',
      // The disk copy outlives a Redis or control-plane outage; with the in-process bus the control
      // plane is in this very process, so there is nothing to outlive.
      snapshotDir: e.TOLLGATE_SNAPSHOT_ON_DISK === 'true' && e.REDIS_URL ? e.TOLLGATE_DATA_DIR : undefined,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
      routing: {
        retry: defined({
          maxAttempts: e.TOLLGATE_MAX_ATTEMPTS,
          maxAttemptsPerModel: e.TOLLGATE_MAX_ATTEMPTS_PER_MODEL,
          backoffBaseMs: e.TOLLGATE_RETRY_BACKOFF_MS,
          backoffMaxMs: e.TOLLGATE_RETRY_BACKOFF_MAX_MS,
        }),
        timeouts: defined({
          connectMs: e.TOLLGATE_TIMEOUT_CONNECT_MS,
          firstByteMs: e.TOLLGATE_TIMEOUT_FIRST_BYTE_MS,
          totalMs: e.TOLLGATE_TIMEOUT_TOTAL_MS,
          idleMs: e.TOLLGATE_TIMEOUT_IDLE_MS,
        }),
        cooldown: defined({ failuresToCool: e.TOLLGATE_COOLDOWN_FAILURES, windowMs: e.TOLLGATE_COOLDOWN_WINDOW_MS, cooldownMs: e.TOLLGATE_COOLDOWN_MS }),
      },
    },
  };
}

/** The entries that are set (so a spread over the defaults keeps them where unset). */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The process's configuration, or every error printed and exit(1). */
export function loadDataPlaneEnv(): DataPlaneConfig {
  const result = parseDataPlaneEnv(process.env);
  if (result.ok) return result.config;
  console.error(`data plane: invalid environment:\n${result.errors.map((error) => `  - ${error}`).join('\n')}`);
  process.exit(1);
}
