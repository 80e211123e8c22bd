import { z } from 'zod';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { SnapshotRoutingDefaults } from '../../../shared/snapshot/schema.ts';
import type { GraphQLContext } from '../../context.ts';
import { requirePlatformAdmin } from '../access.ts';
import { Timeouts } from '../deployments/deployments.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { validate } from '../validate.ts';

/** The Setting row that holds the platform's routing defaults (JSON); absent: none set. */
export const ROUTING_DEFAULTS_SETTING = 'routing_defaults';

const count = z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').nullish();
const ms = z.number().int().min(1, 'must be at least 1 ms').max(3_600_000, 'must be at most one hour').nullish();

/** A deployment failing `failures` times within `windowMs` is skipped for `cooldownMs`. */
export const CooldownDefaults = z.object({ failures: count, windowMs: ms, cooldownMs: ms });

/**
 * The platform's routing defaults (docs/routing.md): every field null or absent leaves the data
 * planes' own default (their TOLLGATE_* environment, else the built-in value). A deployment's own
 * timeouts win over these.
 */
export const RoutingDefaultsInput = z
  .object({
    maxAttempts: count.describe('1 to 100.'),
    maxAttemptsPerModel: count.describe('1 to 100.'),
    retryBackoffMs: ms.describe('1 to 3,600,000; at most retryBackoffMaxMs.'),
    retryBackoffMaxMs: ms.describe('1 to 3,600,000.'),
    /** As a deployment's own timeouts (100 ms to one hour). */
    timeouts: Timeouts.nullish(),
    cooldown: CooldownDefaults.nullish(),
  })
  .refine((d) => !d.retryBackoffMs || !d.retryBackoffMaxMs || d.retryBackoffMs <= d.retryBackoffMaxMs, {
    message: 'retryBackoffMs cannot exceed retryBackoffMaxMs',
    path: ['retryBackoffMaxMs'],
  });

/** The defaults with every field present (null where unset): stored, exported and carried this way. */
export type RoutingDefaults = Omit<SnapshotRoutingDefaults, 'scope'>;

/** Every field null (the snapshot schema's defaults). */
const { scope: _platform, ...NO_ROUTING_DEFAULTS } = SnapshotRoutingDefaults.parse({ scope: 'platform' });

/** Every field present, in one order: equal defaults give equal JSON (snapshot hash, config diff). */
export function canonicalRoutingDefaults(input: z.infer<typeof RoutingDefaultsInput>): RoutingDefaults {
  const t = input.timeouts ?? {};
  const c = input.cooldown ?? {};
  return {
    maxAttempts: input.maxAttempts ?? null,
    maxAttemptsPerModel: input.maxAttemptsPerModel ?? null,
    retryBackoffMs: input.retryBackoffMs ?? null,
    retryBackoffMaxMs: input.retryBackoffMaxMs ?? null,
    timeouts: { connectMs: t.connectMs ?? null, firstByteMs: t.firstByteMs ?? null, totalMs: t.totalMs ?? null, idleMs: t.idleMs ?? null },
    cooldown: { failures: c.failures ?? null, windowMs: c.windowMs ?? null, cooldownMs: c.cooldownMs ?? null },
  };
}

/** Whether any default is set (canonical form compared whole). */
export const hasRoutingDefaults = (defaults: RoutingDefaults) => JSON.stringify(defaults) !== JSON.stringify(NO_ROUTING_DEFAULTS);

/** The stored defaults (every field null when none are set). */
export async function readRoutingDefaults(db: Pick<PrismaClient, 'setting'> | Pick<Tx, 'setting'>): Promise<RoutingDefaults> {
  const row = await (db as Pick<Tx, 'setting'>).setting.findUnique({ where: { key: ROUTING_DEFAULTS_SETTING } });
  // Parsed again on the way out, so a row written by an older build reads in today's shape.
  return row ? canonicalRoutingDefaults(RoutingDefaultsInput.parse(JSON.parse(row.value))) : NO_ROUTING_DEFAULTS;
}

/**
 * Replaces the platform's routing defaults (platform admin): the whole set, so a field left out is
 * unset again. Audited; carried to every data plane in the next snapshot.
 */
export async function setRoutingDefaults(ctx: GraphQLContext, input: unknown): Promise<RoutingDefaults> {
  requirePlatformAdmin(ctx.principal);
  const defaults = canonicalRoutingDefaults(validate(RoutingDefaultsInput, input));
  return runMutation(ctx, 'setRoutingDefaults', async (tx) => {
    const before = await readRoutingDefaults(tx);
    if (!hasRoutingDefaults(defaults)) await tx.setting.deleteMany({ where: { key: ROUTING_DEFAULTS_SETTING } });
    else
      await tx.setting.upsert({
        where: { key: ROUTING_DEFAULTS_SETTING },
        create: { key: ROUTING_DEFAULTS_SETTING, value: JSON.stringify(defaults) },
        update: { value: JSON.stringify(defaults) },
      });
    return { result: defaults, audit: { entity: 'RoutingDefaults', entityId: 'platform', teamId: null, changes: { before, after: defaults } } };
  });
}

/** The snapshot's `routingDefaults` section: one entry when any default is set, else none. */
export function toSnapshotRoutingDefaults(defaults: RoutingDefaults): SnapshotRoutingDefaults[] {
  return hasRoutingDefaults(defaults) ? [{ scope: 'platform', ...defaults }] : [];
}
