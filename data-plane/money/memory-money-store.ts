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

interface BudgetState {
  spent: number;
  reserved: number;
  /** Reservation id -> amount and expiry. */
  reservations: Map<string, { amount: number; expiresAt: number }>;
  /** No reservation expires before this (a lower bound: a settled one may have been the earliest). */
  earliest: number;
}

/** A parallel counter's open slots (admission id -> expiry), and the lower bound of their expiries. */
interface Slots {
  expiries: Map<string, number>;
  earliest: number;
}

/**
 * The counters in this process's memory: the store of a single data plane without Redis, and the
 * local share while Redis is unreachable. Same semantics as the Redis store (the property test
 * runs both); JavaScript's single thread makes each admit atomic.
 */
export function createMemoryMoneyStore(options: { now?: () => number } = {}): MoneyStore & { reservedTotal(): number } {
  const now = options.now ?? Date.now;
  const tats = new Map<string, number>();
  const slots = new Map<string, Slots>();
  const budgets = new Map<string, BudgetState>();
  /** Admissions not yet settled: settle is idempotent because only an open one settles. */
  const open = new Set<string>();
  /** Charges applied, by id, until when they are remembered. */
  const charged = new Map<string, number>();

  function budget(counter: string): BudgetState {
    let state = budgets.get(counter);
    if (!state) budgets.set(counter, (state = { spent: 0, reserved: 0, reservations: new Map(), earliest: Infinity }));
    return state;
  }

  // The purges walk their entries only once the earliest expiry has passed, not on every admit:
  // with a long TTL and many requests in flight that walk was most of an admit's cost.
  function purgeBudget(state: BudgetState, at: number) {
    if (at < state.earliest) return;
    let earliest = Infinity;
    for (const [id, reservation] of state.reservations) {
      if (reservation.expiresAt <= at) {
        state.reserved -= reservation.amount;
        state.reservations.delete(id);
      } else if (reservation.expiresAt < earliest) earliest = reservation.expiresAt;
    }
    state.earliest = earliest;
  }

  function purgeSlots(counter: string, at: number): Slots {
    let held = slots.get(counter);
    if (!held) slots.set(counter, (held = { expiries: new Map(), earliest: Infinity }));
    if (at < held.earliest) return held;
    let earliest = Infinity;
    for (const [id, expiresAt] of held.expiries) {
      if (expiresAt <= at) held.expiries.delete(id);
      else if (expiresAt < earliest) earliest = expiresAt;
    }
    held.earliest = earliest;
    return held;
  }

  function apply(admission: Admission, actual: Settlement, at: number) {
    for (const check of admission.rates) {
      if (check.kind === 'parallel') slots.get(check.counter)?.expiries.delete(admission.id);
      else if (check.kind === 'tpm') {
        const next = gcraAdjust(tats.get(check.counter), at, check.limit, actual.tokens - check.cost);
        if (next === undefined) tats.delete(check.counter);
        else tats.set(check.counter, next);
      }
    }
    for (const check of admission.budgets) {
      const state = budget(check.counter);
      const reservation = state.reservations.get(admission.id);
      // Already dropped by its TTL: its amount left `reserved` then; the spend still counts.
      if (reservation) {
        state.reserved -= reservation.amount;
        state.reservations.delete(admission.id);
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
          if (purgeSlots(check.counter, at).expiries.size + check.cost > check.limit) {
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
        if (check.kind === 'parallel') {
          const held = slots.get(check.counter)!;
          held.expiries.set(admission.id, expiresAt);
          if (expiresAt < held.earliest) held.earliest = expiresAt;
        } else tats.set(check.counter, newTats.get(check.counter)!);
      }
      for (const check of admission.budgets) {
        const state = budget(check.counter);
        state.reserved += check.amount;
        state.reservations.set(admission.id, { amount: check.amount, expiresAt });
        if (expiresAt < state.earliest) state.earliest = expiresAt;
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
