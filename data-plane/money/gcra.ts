import { RATE_WINDOW_MS } from './money-store.ts';

/** Float slack so `limit` emission intervals exactly fill the window despite rounding. */
const EPSILON_MS = 0.001;

/**
 * GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp): `limit` units per
 * window, refilled continuously, with a burst of at most `limit`. The same arithmetic runs in the
 * Redis script (redis-scripts.ts); keep the two in step.
 */
export function gcraTake(storedTat: number | undefined, now: number, limit: number, cost: number) {
  const interval = RATE_WINDOW_MS / limit;
  const tat = Math.max(storedTat ?? now, now);
  const newTat = tat + cost * interval;
  if (newTat - now > RATE_WINDOW_MS + EPSILON_MS) {
    return {
      ok: false as const,
      retryAfterMs: Math.ceil(newTat - RATE_WINDOW_MS - now),
      remaining: Math.max(0, Math.floor((RATE_WINDOW_MS - (tat - now)) / interval + 1e-6)),
      resetMs: Math.ceil(tat - now),
    };
  }
  return {
    ok: true as const,
    newTat,
    remaining: Math.max(0, Math.floor((RATE_WINDOW_MS - (newTat - now)) / interval + 1e-6)),
    resetMs: Math.ceil(newTat - now),
  };
}

/** Gives back (or takes more) units after the fact: the tpm correction from estimate to actual. */
export function gcraAdjust(storedTat: number | undefined, now: number, limit: number, delta: number): number | undefined {
  if (storedTat === undefined || delta === 0) return storedTat;
  const next = storedTat + delta * (RATE_WINDOW_MS / limit);
  return next > now ? next : undefined;
}
