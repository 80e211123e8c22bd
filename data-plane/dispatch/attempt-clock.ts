import { performance } from 'node:perf_hooks';
import { UpstreamError } from '../errors/gateway-error.ts';
import { type AbortHook, Cancellation } from '../http/cancellation.ts';
import type { AttemptTimeouts } from '../routing/timeouts.ts';

export type TimeoutPhase = 'first_byte' | 'idle' | 'total';

/**
 * How often the running attempts' deadlines and clients are checked. Deadlines are seconds in
 * practice (the shortest a test sets is 300 ms); a deadline fires at most this late.
 */
const TICK_MS = 10;

/** Every attempt in flight, checked by one shared ticker instead of timers of their own. */
const running = new Set<AttemptClock>();
let ticker: NodeJS.Timeout | null = null;

function tick(): void {
  if (running.size === 0) {
    // Idle for a whole tick: stop until the next attempt starts.
    clearInterval(ticker as NodeJS.Timeout);
    ticker = null;
    return;
  }
  const now = performance.now();
  for (const clock of running) clock.check(now);
}

/**
 * The deadlines of one attempt and the cancellation that enforces them: aborted when the client
 * leaves or a deadline passes, so the adapter cancels the upstream request either way. `race`
 * also rejects at once, so an adapter slow to honour it cannot hold the attempt.
 *
 * The happy path allocates one Cancellation and one listener on the client's (a client that
 * leaves cancels the upstream in the same turn), and nothing else: no AbortController unless an
 * adapter asks for `cancellation.signal`, no timers (one shared ticker checks every running attempt's
 * deadlines every TICK_MS), no Error.
 */
export class AttemptClock {
  /** Aborted when the client leaves or a deadline passes: what the adapter's upstream call follows. */
  readonly cancellation: AbortHook;
  /** Which deadline ended the attempt, if one did. */
  timedOut: TimeoutPhase | null = null;
  private readonly own = new Cancellation();
  /** performance.now() deadlines; Infinity when not running. */
  private firstByteAt: number;
  private idleAt = Number.POSITIVE_INFINITY;
  private readonly totalAt: number;
  /** Rejects the pending race, if any. */
  private rejectRace: ((reason: unknown) => void) | null = null;

  constructor(
    client: AbortHook,
    readonly timeouts: AttemptTimeouts,
  ) {
    this.cancellation = this.own;
    const now = performance.now();
    this.totalAt = now + timeouts.totalMs;
    // Streams: until the first event. Non-streamed calls: until the upstream's response head (or
    // its whole answer, for adapters without HTTP), so a hung upstream is cut at firstByteMs.
    this.firstByteAt = now + timeouts.firstByteMs;
    if (client.aborted) {
      this.own.abort(client.reason);
      return;
    }
    // Not removed on dispose: it dies with the request's exchange, and cancelling a finished
    // attempt does nothing (its upstream call already let go of the cancellation).
    client.onAbort((reason) => this.cancel(reason));
    running.add(this);
    if (ticker === null) ticker = setInterval(tick, TICK_MS).unref();
  }

  /** Waits for the upstream; with `idle`, the idle deadline runs for exactly this wait. */
  race<T>(promise: Promise<T>, idle = false): Promise<T> {
    if (this.own.aborted) {
      promise.catch(() => {}); // a loser's late rejection is not unhandled
      return Promise.reject(this.own.reason);
    }
    if (idle) this.idleAt = performance.now() + this.timeouts.idleMs;
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      promise.then(
        (value) => {
          this.endRace(idle);
          resolve(value);
        },
        (error: unknown) => {
          this.endRace(idle);
          reject(error);
        },
      );
    });
  }

  /**
   * The first stream event (or a non-streamed call's response head) arrived: from now on a stream's
   * silences are bounded by the idle deadline, a non-streamed call's body by the total one.
   */
  gotFirstByte(): void {
    this.firstByteAt = Number.POSITIVE_INFINITY;
  }

  /** Cancels the upstream request (the attempt failed or is over early). */
  abort(): void {
    if (!this.own.aborted) this.cancel(new Error('attempt ended'));
  }

  dispose(): void {
    running.delete(this);
  }

  /** @internal the shared ticker: cancels the attempt when a deadline passed. */
  check(now: number): void {
    const due = Math.min(this.firstByteAt, this.idleAt, this.totalAt);
    if (due > now) return;
    this.timedOut ??= due === this.firstByteAt ? 'first_byte' : due === this.idleAt ? 'idle' : 'total';
    this.cancel(new Error(`${this.timedOut} timeout`));
  }

  /** The error a passed deadline becomes: 504 upstream_timeout, outcome `timeout`. */
  timeoutError(providerName: string, upstreamStatus: number): UpstreamError {
    const phase = this.timedOut ?? 'total';
    const what = {
      first_byte: `did not start answering within ${this.timeouts.firstByteMs} ms`,
      idle: `stalled for more than ${this.timeouts.idleMs} ms mid-stream`,
      total: `did not finish within ${this.timeouts.totalMs} ms`,
    }[phase];
    return new UpstreamError({
      status: 504,
      type: 'timeout_error',
      code: 'upstream_timeout',
      upstreamStatus,
      outcome: 'timeout',
      message: `Provider ${providerName} ${what}.`,
    });
  }

  private endRace(idle: boolean): void {
    this.rejectRace = null;
    if (idle) this.idleAt = Number.POSITIVE_INFINITY;
  }

  private cancel(reason: unknown): void {
    running.delete(this);
    this.own.abort(reason);
    const reject = this.rejectRace;
    this.rejectRace = null;
    reject?.(reason);
  }
}
