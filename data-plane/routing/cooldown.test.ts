import { describe, expect, it } from 'vitest';
import { createMemoryCooldownStore } from './cooldown.ts';

describe('the in-memory cooldown store', () => {
  it('cools a deployment after N failures within the window, then lets it serve again', () => {
    let now = 0;
    const store = createMemoryCooldownStore({ failuresToCool: 3, windowMs: 1000, cooldownMs: 500 }, { now: () => now });
    store.recordFailure('d');
    store.recordFailure('d');
    expect(store.cooling('d')).toBeNull();
    store.recordFailure('d');
    expect(store.cooling('d')).toEqual({ remainingMs: 500, reason: 'failures' });
    now = 501;
    expect(store.cooling('d')).toBeNull();
    // A fresh run of failures is needed to cool it again.
    store.recordFailure('d');
    expect(store.cooling('d')).toBeNull();
  });

  it('forgets failures outside the window and after a success', () => {
    let now = 0;
    const store = createMemoryCooldownStore({ failuresToCool: 2, windowMs: 100, cooldownMs: 500 }, { now: () => now });
    store.recordFailure('d');
    now = 200;
    store.recordFailure('d');
    expect(store.cooling('d')).toBeNull();
    store.recordSuccess('d');
    store.recordFailure('d');
    expect(store.cooling('d')).toBeNull();
  });

  it('cools at once for a retry-after, for at least that long, and tells the shared store', () => {
    const published: unknown[] = [];
    const store = createMemoryCooldownStore({ cooldownMs: 100 }, { now: () => 0, onCool: (...args) => published.push(args) });
    store.recordFailure('d', 7000);
    expect(store.cooling('d')).toEqual({ remainingMs: 7000, reason: 'rate_limit' });
    expect(published).toEqual([['d', 7000, 'rate_limit']]);
    // A shorter cooldown never shortens a longer one.
    store.recordFailure('d', 10);
    expect(store.cooling('d')?.remainingMs).toBe(7000);
  });
});
