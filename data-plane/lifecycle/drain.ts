import { GatewayError } from '../errors/gateway-error.ts';
import type { FinishedExchange } from '../http/exchange.ts';
import type { RequestObserver } from '../http/router.ts';

/** Routes answered even while draining: probes and metrics must keep telling the truth. */
const ALWAYS_ADMITTED = new Set(['/healthz', '/readyz', '/metrics']);

/** How long abandoned requests get to meter their attempt and hand it over, after the deadline. */
const ABANDON_GRACE_MS = 2_000;

export const drainingError = () =>
  new GatewayError({
    status: 503,
    type: 'service_unavailable',
    code: 'draining',
    message: 'This gateway instance is shutting down; retry the request (another instance will take it).',
    retryAfterSeconds: 1,
  });

export const drainDeadlineError = () =>
  new GatewayError({
    status: 503,
    type: 'service_unavailable',
    code: 'drain_deadline_exceeded',
    message: 'This gateway instance shut down before the response could finish; retry the request.',
    retryAfterSeconds: 1,
  });

export interface DrainReport {
  /** In-flight requests when the drain began. */
  inFlightAtStart: number;
  /** Requests still running at the deadline, ended with a terminal error. */
  abandoned: number;
  /** Requests that did not even settle within the grace after the deadline (should be 0). */
  stuck: number;
  durationMs: number;
}

export interface Lifecycle {
  /** Plug into the router: refuses new work while draining, tracks what is in flight. */
  readonly observer: RequestObserver;
  readonly draining: boolean;
  /** Requests in flight (probes and metrics not counted). */
  inFlight(): number;
  /**
   * Stops admitting requests (503 `draining`, connection closed) and waits for the in-flight ones
   * up to `deadlineMs`; those still running then end with a terminal error (an SSE error event
   * for streams) and their upstream calls are aborted, so their attempts are metered.
   * Idempotent: a second call returns the first drain.
   */
  drain(deadlineMs: number): Promise<DrainReport>;
}

export function createLifecycle(): Lifecycle {
  const inFlight = new Set<FinishedExchange>();
  let idleWaiters: (() => void)[] = [];
  let draining: Promise<DrainReport> | null = null;

  const whenIdle = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      if (inFlight.size === 0) return resolve();
      const timer = setTimeout(resolve, timeoutMs);
      idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  const observer: RequestObserver = {
    admit(_exchange, route) {
      return draining && !ALWAYS_ADMITTED.has(route) ? drainingError() : null;
    },
    started(exchange, route) {
      if (!ALWAYS_ADMITTED.has(route)) inFlight.add(exchange);
    },
    finished(exchange) {
      if (!inFlight.delete(exchange) || inFlight.size > 0) return;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    },
  };

  async function runDrain(deadlineMs: number): Promise<DrainReport> {
    const started = Date.now();
    const inFlightAtStart = inFlight.size;
    await whenIdle(deadlineMs);
    const abandoned = inFlight.size;
    for (const exchange of [...inFlight]) exchange.abandon(drainDeadlineError());
    if (abandoned > 0) await whenIdle(ABANDON_GRACE_MS);
    return { inFlightAtStart, abandoned, stuck: inFlight.size, durationMs: Date.now() - started };
  }

  return {
    observer,
    get draining() {
      return draining !== null;
    },
    inFlight: () => inFlight.size,
    drain(deadlineMs) {
      draining ??= runDrain(deadlineMs);
      return draining;
    },
  };
}
