import { gcraAdjust, gcraTake } from './gcra.ts';
import {
  type Admission,
  type AdmitResult,
  type BudgetCounter,
  exceeds,
  type MoneyStore,
  type RateState,
  SETTLED_MEMORY_MS,
  type Settlement,
  settledAmount,
} from './money-store.ts';

/**
 * Entries by admission id that lapse at their `expiresAt`. `dropExpired` walks them only once the
 * earliest expiry has passed, not on every admit: with a long TTL and many requests in flight that
 * walk was most of an admit's cost.
 */
class ExpiringEntries<V extends { expiresAt: number }> {
  readonly byId = new Map<string, V>();
  /** No entry expires before this (a lower bound: a deleted one may have been the earliest). */
  private earliest = Number.POSITIVE_INFINITY;

  set(id: string, value: V): void {
    this.byId.set(id, value);
    if (value.expiresAt < this.earliest) this.earliest = value.expiresAt;
  }

  /** Removes the entries expired at `at`, each handed to `dropped`. */
  dropExpired(at: number, dropped?: (value: V) => void): void {
    if (at < this.earliest) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [id, value] of this.byId) {
      if (value.expiresAt <= at) {
        this.byId.delete(id);
        dropped?.(value);
      } else if (value.expiresAt < earliest) earliest = value.expiresAt;
    }
    this.earliest = earliest;
  }
}

interface BudgetState {
  spent: number;
  reserved: number;
  /** Open reservations by admission id. */
  reservations: ExpiringEntries<{ amount: number; expiresAt: number }>;
}

/**
 * The counters in this process's memory: the store of a single data plane without Redis, and the
 * local share while Redis is unreachable. Same semantics as the Redis store (the property test
 * runs both); JavaScript's single thread makes each admit atomic.
 */
export function createMemoryMoneyStore(options: { now?: () => number } = {}): MoneyStore & { reservedTotal(): number } {
  const now = options.now ?? Date.now;
  const tats = new Map<string, number>();
  /** A parallel counter's open slots, by admission id. */
  const slots = new Map<string, ExpiringEntries<{ expiresAt: number }>>();
  const budgets = new Map<string, BudgetState>();
  /** Admissions not yet settled: settle is idempotent because only an open one settles. */
  const open = new Set<string>();
  /** Charges applied, by id, until when they are remembered. */
  const charged = new Map<string, number>();

  function budget(counter: string): BudgetState {
    let state = budgets.get(counter);
    if (!state) budgets.set(counter, (state = { spent: 0, reserved: 0, reservations: new ExpiringEntries() }));
    return state;
  }

  function purgeBudget(state: BudgetState, at: number) {
    state.reservations.dropExpired(at, (reservation) => (state.reserved -= reservation.amount));
  }

  function purgeSlots(counter: string, at: number): ExpiringEntries<{ expiresAt: number }> {
    let held = slots.get(counter);
    if (!held) slots.set(counter, (held = new ExpiringEntries()));
    held.dropExpired(at);
    return held;
  }

  function apply(admission: Admission, actual: Settlement, at: number) {
    for (const check of admission.rates) {
      if (check.kind === 'parallel') slots.get(check.counter)?.byId.delete(admission.id);
      else if (check.kind === 'tpm') {
        const next = gcraAdjust(tats.get(check.counter), at, check.limit, actual.tokens - check.cost);
        if (next === undefined) tats.delete(check.counter);
        else tats.set(check.counter, next);
      }
    }
    for (const check of admission.budgets) {
      const state = budget(check.counter);
      const reservation = state.reservations.byId.get(admission.id);
      // Already dropped by its TTL: its amount left `reserved` then; the spend still counts.
      if (reservation) {
        state.reserved -= reservation.amount;
        state.reservations.byId.delete(admission.id);
      }
      state.spent += settledAmount(check, actual);
    }
  }

  return {
    kind: 'memory',
    async admit(admission: Admission): Promise<AdmitResult> {
      const at = now();
      const rates: RateState[] = [];
      const newTats = new Map<string, number>();
      for (const check of admission.rates) {
        if (check.kind === 'parallel') {
          if (purgeSlots(check.counter, at).byId.size + check.cost > check.limit) {
            return { ok: false, reason: 'rate_limited', check, retryAfterMs: 1000, rates };
          }
          continue;
        }
        const taken = gcraTake(tats.get(check.counter), at, check.limit, check.cost);
        if (!taken.ok) {
          rates.push({ check, remaining: taken.remaining, resetMs: taken.resetMs });
          return { ok: false, reason: 'rate_limited', check, retryAfterMs: taken.retryAfterMs, rates };
        }
        newTats.set(check.counter, taken.newTat);
        rates.push({ check, remaining: taken.remaining, resetMs: taken.resetMs });
      }
      const used: Record<string, number> = {};
      for (const check of admission.budgets) {
        const state = budget(check.counter);
        purgeBudget(state, at);
        used[check.counter] = state.spent + state.reserved;
        if (exceeds(check.limit, state.spent + state.reserved, check.amount)) return { ok: false, reason: 'quota_exceeded', check };
      }
      // Every check passed: take them all (nothing above has written).
      open.add(admission.id);
      const expiresAt = at + admission.reservationTtlMs;
      for (const check of admission.rates) {
        if (check.kind === 'parallel') slots.get(check.counter)!.set(admission.id, { expiresAt });
        else tats.set(check.counter, newTats.get(check.counter)!);
      }
      for (const check of admission.budgets) {
        const state = budget(check.counter);
        state.reserved += check.amount;
        state.reservations.set(admission.id, { amount: check.amount, expiresAt });
      }
      return { ok: true, rates, used };
    },

    async settle(admission: Admission, actual: Settlement): Promise<void> {
      if (!open.delete(admission.id)) return;
      apply(admission, actual, now());
    },

    async charge(admission: Admission, actual: Settlement): Promise<void> {
      const at = now();
      if ((charged.get(admission.id) ?? 0) > at) return;
      charged.set(admission.id, at + SETTLED_MEMORY_MS);
      apply(admission, actual, at);
    },

    async budgetCounter(counter: string): Promise<BudgetCounter> {
      const state = budgets.get(counter);
      return { spent: state?.spent ?? 0, reserved: state?.reserved ?? 0 };
    },

    reservedTotal() {
      let total = 0;
      for (const state of budgets.values()) total += state.reserved;
      return total;
    },

    async close() {},
  };
}
