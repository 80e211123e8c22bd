import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { randomHex128 } from '../http/random-hex.ts';
import type { Logger } from '../logger.ts';
import type { PlannedRequest } from '../request/routed-request.ts';
import type { CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { createMemoryMoneyStore } from './memory-money-store.ts';
import { insufficientQuota, RateLimitedError, rateLimited } from './money-errors.ts';
import type { Admission, AdmitResult, MoneyStore, Settlement } from './money-store.ts';
import { type AdmissionInput, deploymentAdmission, planAdmission } from './plan-admission.ts';
import { rateLimitHeaders } from './rate-headers.ts';
import { MoneyUnseededError } from './redis-money-store.ts';
import { admitRequest, type RequestMoney } from './request-money.ts';

export interface MoneyGuardOptions {
  /** Redis (shared by every data plane) or memory (a single data plane). */
  store: MoneyStore;
  /**
   * While Redis is unreachable this plane allows itself this share of every limit and of every
   * hard budget's remainder (e.g. 1/3 with three data planes), in memory. Declared, not guessed.
   */
  localShare: number;
  /** A reservation its data plane never settled (it died) is dropped after this. */
  reservationTtlMs?: number;
  /** How long to stay on the local share after a Redis failure before trying Redis again. */
  probeIntervalMs?: number;
  logger: Logger;
}

export interface MoneyStatus {
  store: MoneyStore['kind'];
  /** True while Redis is unreachable and the local share is in force. */
  degraded: boolean;
  degradedSince: string | null;
  localShare: number;
  /** Settles waiting for Redis (made during an outage, or failed): replayed idempotently. */
  pendingSettles: number;
}

/** One admitted request's claim, held from before the upstream call until its last attempt ended. */
export interface RequestTicket {
  /** x-ratelimit-* headers for the response. */
  readonly headers: readonly [string, string][];
  /** Adds a finished attempt's cost to what the request spent (what settle charges). */
  add(event: UsageEvent): void;
  /** Settles with what the attempts cost (releases the rest); once, in the background. */
  settle(): void;
  /**
   * The deployment whose own limits this admission took (the input's `deployment`), or null when
   * that deployment was full and the request was admitted without it: its first attempt there
   * needs no admission of its own.
   */
  readonly deploymentAdmitted: CompiledTarget | null;
}

/** One attempt's claim on its deployment's own rate limits. */
export interface AttemptTicket {
  /** Settles with the attempt's real tokens (frees its parallel slot); once, in the background. */
  settle(event: UsageEvent): void;
}

export interface MoneyGuard {
  /**
   * Admits the request (rate limits, budgets, credits; the 429 to send is thrown) and returns the
   * policy its attempts go through: each attempt's deployment limits before it, its cost after
   * it, the settle when the request closes.
   */
  forRequest(request: PlannedRequest): Promise<RequestMoney>;
  /** Checks and reserves everything the request needs, or throws the 429 to send. */
  admit(input: Omit<AdmissionInput, 'admissionId' | 'now' | 'reservationTtlMs'>): Promise<RequestTicket>;
  /**
   * Checks and takes the deployment's own rpm / tpm / parallel for one attempt, or throws its
   * 429 (the attempt loop then skips the deployment). Null, without a store call, when the
   * deployment sets no limits. `rateTokens` is only asked for then.
   */
  admitAttempt(target: CompiledTarget, rateTokens: () => number): Promise<AttemptTicket | null>;
  status(): MoneyStatus;
  /** Resolves when every settle started so far has reached a store (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_RESERVATION_TTL_MS = 10 * 60_000;
const MAX_PENDING_SETTLES = 100_000;
const LAST_USED_MAX = 50_000;

export function createMoneyGuard(options: MoneyGuardOptions): MoneyGuard {
  const { store, logger } = options;
  const reservationTtlMs = options.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS;
  const probeIntervalMs = options.probeIntervalMs ?? 1000;
  const share = Math.min(1, Math.max(0, options.localShare));
  let local: MoneyStore | null = null;
  let degradedSince: number | null = null;
  let nextProbeAt = 0;
  /** spent + reserved last seen in Redis per budget counter: the base of the local share. */
  const lastUsed = new Map<string, number>();
  /** Settles (or charges: spend of the local share) that Redis has yet to take. */
  const pending: { admission: Admission; actual: Settlement; charge: boolean }[] = [];
  /** Settles and drains started and not yet ended; idle() waits for none. */
  let running = 0;
  let idleWaiters: (() => void)[] = [];
  let draining = false;

  /**
   * Counts a settle or drain until it ends. Both never reject (they catch and queue), so one
   * `then` is all it takes: no set of promises, no `finally` + `catch` pair per settle.
   */
  function track(work: Promise<void>): void {
    running++;
    void work.then(ended, ended);
  }
  function ended(): void {
    if (--running > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  function enterDegraded(error: unknown) {
    nextProbeAt = Date.now() + probeIntervalMs;
    if (degradedSince !== null) return;
    degradedSince = Date.now();
    // A fresh local store per outage: its counters hold only what this outage spent.
    local = createMemoryMoneyStore();
    const why = error instanceof MoneyUnseededError ? 'Redis money counters not re-seeded yet (no epoch)' : 'Redis unreachable';
    logger.error({ err: error, localShare: share }, `${why}: limits and budgets fall back to the local share`);
  }

  function leaveDegraded() {
    if (degradedSince === null) return;
    logger.warn({ degradedForMs: Date.now() - degradedSince }, 'Redis is back: shared limits and budgets resume');
    degradedSince = null;
    local = null;
  }

  /** The same admission with this plane's share of every limit. */
  function localShareOf(admission: Admission): Admission {
    return {
      ...admission,
      rates: admission.rates.map((r) => {
        const limit = Math.max(1, Math.floor(r.limit * share));
        return { ...r, limit, cost: Math.min(r.cost, limit) };
      }),
      budgets: admission.budgets.map((b) =>
        b.limit === null ? b : { ...b, limit: Math.floor(share * Math.max(0, b.limit - (lastUsed.get(b.counter) ?? 0))) },
      ),
    };
  }

  async function drainPending() {
    if (draining || store.kind !== 'redis') return;
    draining = true;
    try {
      while (pending.length > 0) {
        const next = pending[0];
        await (next.charge ? store.charge(next.admission, next.actual) : store.settle(next.admission, next.actual));
        pending.shift();
      }
    } catch (error) {
      enterDegraded(error);
    } finally {
      draining = false;
    }
  }
  const drainTimer = setInterval(() => {
    if (pending.length > 0) track(drainPending());
  }, probeIntervalMs);
  drainTimer.unref();

  function queue(admission: Admission, actual: Settlement, charge: boolean) {
    if (pending.length >= MAX_PENDING_SETTLES) {
      logger.error({ admissionId: admission.id }, 'too many settles waiting for Redis: dropping the oldest');
      pending.shift();
    }
    pending.push({ admission, actual, charge });
  }

  async function admitOn(admission: Admission) {
    if (store.kind === 'redis' && (degradedSince === null || Date.now() >= nextProbeAt)) {
      try {
        const result = await store.admit(admission);
        leaveDegraded();
        if (pending.length > 0) track(drainPending());
        if (result.ok) {
          if (lastUsed.size > LAST_USED_MAX) lastUsed.clear();
          for (const b of admission.budgets) lastUsed.set(b.counter, (result.used[b.counter] ?? 0) + b.amount);
        }
        return { admission, result, on: store, replay: false };
      } catch (error) {
        enterDegraded(error);
      }
    }
    if (store.kind === 'memory') return { admission, result: await store.admit(admission), on: store, replay: false };
    const scaled = localShareOf(admission);
    return { admission: scaled, result: await local!.admit(scaled), on: local!, replay: true };
  }

  /** Settles (or charges) on the store the admission was made on; queued for Redis when it fails. */
  async function settleOn(on: MoneyStore, replay: boolean, target: Admission, actual: Settlement, charge: boolean) {
    try {
      await (charge ? on.charge(target, actual) : on.settle(target, actual));
      // Spent during an outage: Redis learns it when it is back (a charge, idempotent by id).
      if (replay) queue({ ...target, rates: [] }, actual, true);
    } catch (error) {
      enterDegraded(error);
      queue(target, actual, charge);
    }
  }

  async function admitOrThrow(planned: Admission) {
    const admitted = await admitOn(planned);
    const { result } = admitted;
    if (!result.ok) {
      if (result.reason === 'quota_exceeded') throw insufficientQuota(result.check);
      throw rateLimited(result.check, result.retryAfterMs, rateLimitHeaders(result.rates));
    }
    // Narrowed by type, not copied: a spread that sets a key again is V8's slow path.
    return admitted as typeof admitted & { result: Extract<AdmitResult, { ok: true }> };
  }

  const guard: MoneyGuard = {
    forRequest: (request) => admitRequest(guard, request),
    async admitAttempt(target, rateTokens) {
      const planned = deploymentAdmission(target, rateTokens, randomHex128(), reservationTtlMs);
      if (!planned) return null;
      const { admission, on, replay } = await admitOrThrow(planned);
      let settled = false;
      return {
        settle(event) {
          if (settled) return;
          settled = true;
          track(settleOn(on, replay, admission, { costMicroUsd: 0, creditCostMicroUsd: 0, tokens: event.promptTokens + event.completionTokens }, false));
        },
      };
    },

    async admit(input) {
      // Field by field, not `{ ...input, deployment, ... }`: a spread plus keys its source lacks
      // takes V8's slow path on Node 20.
      const { apiKey, model, budgetModelId, byok, budgets, request } = input;
      const plan = (deployment: CompiledTarget | undefined) =>
        planAdmission({ apiKey, model, budgetModelId, deployment, byok, budgets, request, admissionId: randomHex128(), now: Date.now(), reservationTtlMs })
          .admission;
      let deploymentAdmitted = input.deployment ?? null;
      let admitted;
      try {
        admitted = await admitOrThrow(plan(input.deployment));
      } catch (error) {
        // Only the first deployment is full: admit the request alone; the attempt loop then takes
        // each deployment's limits as it goes, and skips the full one.
        if (!(error instanceof RateLimitedError && error.scope === 'deployment' && input.deployment)) throw error;
        admitted = await admitOrThrow(plan(undefined));
        deploymentAdmitted = null;
      }
      const { admission, result, on, replay } = admitted;
      const spent: Settlement = { costMicroUsd: 0, creditCostMicroUsd: 0, tokens: 0 };
      let settled = false;
      const add = (event: UsageEvent) => {
        spent.costMicroUsd += event.costMicroUsd;
        if (event.byok !== true) spent.creditCostMicroUsd += event.costMicroUsd;
        spent.tokens += event.promptTokens + event.completionTokens;
      };
      return {
        headers: rateLimitHeaders(result.rates),
        deploymentAdmitted,
        add(event) {
          if (!settled) return add(event);
          // An attempt that ended after its request settled (should not happen): still charged.
          logger.warn({ usageEventId: event.id }, 'usage event after settle: charged separately');
          const late = { costMicroUsd: event.costMicroUsd, creditCostMicroUsd: event.byok ? 0 : event.costMicroUsd, tokens: 0 };
          track(settleOn(on, replay, { ...admission, id: `${admission.id}:${event.id}`, rates: [] }, late, true));
        },
        settle() {
          if (settled) return;
          settled = true;
          track(settleOn(on, replay, admission, { ...spent }, false));
        },
      };
    },
    status() {
      return {
        store: store.kind,
        degraded: degradedSince !== null,
        degradedSince: degradedSince === null ? null : new Date(degradedSince).toISOString(),
        localShare: share,
        pendingSettles: pending.length,
      };
    },
    async idle() {
      while (running > 0) await new Promise<void>((wake) => idleWaiters.push(wake));
    },
    async close() {
      clearInterval(drainTimer);
      await guard.idle();
      if (pending.length > 0) await drainPending();
      await store.close();
    },
  };
  return guard;
}
