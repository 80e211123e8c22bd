import { z } from 'zod';
import { BUDGET_PERIODS } from '../../shared/snapshot/schema.ts';
import { ValidationError } from './errors.ts';
import type { Tx } from './mutate.ts';

/** Zod fragments shared by the domain's input schemas, so a rule reads the same everywhere. */

export const id = z.string().min(1, 'an id is required').max(200);

/** Integer micro-USD, never negative, small enough to stay exact in a JSON number (snapshot). */
export const microUsd = z.bigint().nonnegative('amounts cannot be negative').max(BigInt(Number.MAX_SAFE_INTEGER), 'amount is too large');

export const positiveMicroUsd = microUsd.refine((v) => v > 0n, 'amount must be greater than zero');

export const modelName = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,127}$/, 'model names are letters, digits and . _ : / -');

/** Lowercase identifier used for slugs and catalogue names (plans, profiles, chains). */
export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (max 63)');

export const displayName = z.string().trim().min(1, 'name is required').max(200);

const positiveInt = z.number().int().positive('must be a positive integer');

/** rpm / tpm / maxParallel; null or absent means "no limit at this level". */
export const Limits = z.object({
  rpm: positiveInt.nullish(),
  tpm: positiveInt.nullish(),
  maxParallel: positiveInt.nullish(),
});
export type LimitsInput = z.infer<typeof Limits>;

/** Prisma column values for a Limits input; `undefined` leaves the columns untouched. */
export function limitColumns(limits: LimitsInput | null | undefined) {
  if (limits === undefined) return {};
  return { rpm: limits?.rpm ?? null, tpm: limits?.tpm ?? null, maxParallel: limits?.maxParallel ?? null };
}

export const budgetPeriod = z.enum(BUDGET_PERIODS);

/** Alert percentages: 1..1000, stored sorted and without repeats. */
export const alertThresholds = z
  .array(z.number().int().min(1, 'thresholds are percentages from 1').max(1000, 'thresholds are percentages up to 1000'))
  .max(10)
  .transform((list) => [...new Set(list)].sort((a, b) => a - b));

const httpUrl = z.url({ protocol: /^https?$/ });
const MOCK_URL = /^mock:\/\/(\?[^\s#]*)?$/;

/**
 * A provider's base URL, checked against its kind: an http(s) URL for real upstreams (trailing
 * slashes dropped), `mock://` plus its settings (`mock://?latency_ms=20&fail_status=429`) for
 * the built-in mock, whose whole configuration is that query string.
 */
export function providerBaseUrl(kind: string, url: string): { url: string } | { issue: string } {
  if (kind === 'mock') return MOCK_URL.test(url) ? { url } : { issue: 'must be mock:// with optional settings, e.g. mock://?latency_ms=20' };
  if (!httpUrl.safeParse(url).success) return { issue: 'must be an http(s) URL' };
  // A password in the URL would be stored and returned in clear: credentials go in `credential` (sealed).
  const parsed = new URL(url);
  if (parsed.username || parsed.password) return { issue: 'must not carry credentials (user:password@); put the key in apiKey, which is stored encrypted' };
  return { url: url.replace(/\/+$/, '') };
}

/** JSON object metadata, bounded so a key row stays small. */
export const metadata = z.record(z.string(), z.unknown()).refine((value) => JSON.stringify(value).length <= 8192, 'metadata must be at most 8 KiB of JSON');

/**
 * Checks that optional references point at existing rows; an unknown one is a validation error
 * on its input path (these are platform catalogue objects every caller may name).
 */
export async function checkReferences(
  tx: Tx,
  refs: { routingProfileId?: string | null; fallbackChainId?: string | null; planId?: string | null },
): Promise<void> {
  const issues = [];
  if (refs.routingProfileId && !(await tx.routingProfile.findUnique({ where: { id: refs.routingProfileId }, select: { id: true } }))) {
    issues.push({ path: 'routingProfileId', message: 'unknown routing profile' });
  }
  if (refs.fallbackChainId && !(await tx.fallbackChain.findUnique({ where: { id: refs.fallbackChainId }, select: { id: true } }))) {
    issues.push({ path: 'fallbackChainId', message: 'unknown fallback chain' });
  }
  if (refs.planId && !(await tx.plan.findUnique({ where: { id: refs.planId }, select: { id: true } }))) {
    issues.push({ path: 'planId', message: 'unknown plan' });
  }
  if (issues.length) throw new ValidationError(issues);
}

/** Fails with a validation error naming each model name that does not exist. */
export async function checkModelNames(tx: Tx, names: string[], path: string): Promise<void> {
  if (names.length === 0) return;
  const found = await tx.model.findMany({ where: { name: { in: names } }, select: { name: true } });
  const known = new Set(found.map((m) => m.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new ValidationError([{ path, message: `unknown model(s): ${unknown.join(', ')}` }]);
}

/** `undefined` stays undefined (leave as is); anything else passes through. For partial updates. */
export function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
