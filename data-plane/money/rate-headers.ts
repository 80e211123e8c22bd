import type { RateState } from './money-store.ts';

/** Each dimension's header names, built once (they were template strings per request). */
const DIMENSIONS = [dimension('rpm', 'requests'), dimension('tpm', 'tokens')];

function dimension(kind: 'rpm' | 'tpm', suffix: string) {
  return { kind, limit: `x-ratelimit-limit-${suffix}`, remaining: `x-ratelimit-remaining-${suffix}`, reset: `x-ratelimit-reset-${suffix}` };
}

/**
 * OpenAI's x-ratelimit-* headers from the tightest rpm and tpm counters of the request (key, team
 * or deployment, whichever has the least left). None for a dimension without a limit.
 */
export function rateLimitHeaders(states: readonly RateState[]): [string, string][] {
  const headers: [string, string][] = [];
  for (const names of DIMENSIONS) {
    let tightest: RateState | null = null;
    for (const state of states) {
      if (state.check.kind === names.kind && (tightest === null || state.remaining < tightest.remaining)) tightest = state;
    }
    if (!tightest) continue;
    headers.push([names.limit, String(tightest.check.limit)], [names.remaining, String(tightest.remaining)], [names.reset, formatDuration(tightest.resetMs)]);
  }
  return headers;
}

/** OpenAI's duration style: `17ms`, `1.5s`, `6m0s`. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, Math.ceil(ms));
  if (clamped < 1000) return `${clamped}ms`;
  if (clamped < 60_000) return `${Number((clamped / 1000).toFixed(3))}s`;
  const minutes = Math.floor(clamped / 60_000);
  return `${minutes}m${Number(((clamped - minutes * 60_000) / 1000).toFixed(3))}s`;
}
