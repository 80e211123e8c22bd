import { performance } from 'node:perf_hooks';
import { UpstreamError } from '../errors/gateway-error.ts';
import { type AbortHook, Cancellation } from '../http/cancellation.ts';
import type { AttemptTimeouts } from '../routing/timeouts.ts';

export type TimeoutPhase = 'first_byte' | 'idle' | 'total';

/** Every attempt in flight, checked by one shared timer instead of timers of their own. */
const running = new Set<AttemptClock>();
/**
 * The shared timer, armed for the earliest deadline it was asked for (performance.now() time in
 * `armedAt`). Deadlines are seconds in practice and only move later (a first byte ends its
 * deadline, an idle one restarts at each event), so an attempt arms it only when its own deadline
 * comes first, and a timer that fires early just re-arms for the earliest one left. No periodic
 * tick: a tick woke the process 100 times a second whenever any attempt was in flight, however
 * slow its upstream, and each wake-up of an idle process costs far more than the check itself.
 */
let timer: NodeJS.Timeout | null = null;
let armedAt = Number.POSITIVE_INFINITY;
/** setTimeout's longest delay: a longer one would fire at once (Node warns and uses 1 ms). */
const MAX_DELAY_MS = 2 ** 31 - 1;

function armFor(dueAt: number): void {
  if (dueAt >= armedAt) return;
  if (timer !== null) clearTimeout(timer);
  armedAt = dueAt;
  // Rounded up: Node's timers count whole milliseconds from the loop's cached time, so a timer
  // may fire a little before `dueAt`; it then finds nothing due and re-arms.
  timer = setTimeout(fire, Math.min(MAX_DELAY_MS, Math.max(0, Math.ceil(dueAt - performance.now())))).unref();
}

function fire(): void {
  timer = null;
  armedAt = Number.POSITIVE_INFINITY;
  const now = performance.now();
  let next = Number.POSITIVE_INFINITY;
  for (const clock of running) next = Math.min(next, clock.check(now));
  if (next !== Number.POSITIVE_INFINITY) armFor(next);
}

/**
 * The deadlines of one attempt and the cancellation that enforces them: aborted when the client
 * leaves or a deadline passes, so the adapter cancels the upstream request either way. `race`
 * also rejects at once, so an adapter slow to honour it cannot hold the attempt.
 *
 * The happy path allocates one Cancellation and one listener on the client's (a client that
 * leaves cancels the upstream in the same turn), and nothing else: no AbortController unless an
 * adapter asks for `cancellation.signal`, no timer of its own (one shared timer, armed for the
 * earliest deadline in flight), no Error.
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
    armFor(Math.min(this.firstByteAt, this.totalAt));
  }

  /** Waits for the upstream; with `idle`, the idle deadline runs for exactly this wait. */
  race<T>(promise: Promise<T>, idle = false): Promise<T> {
    if (this.own.aborted) {
      promise.catch(() => {}); // a loser's late rejection is not unhandled
      return Promise.reject(this.own.reason);
    }
    if (idle) armFor((this.idleAt = performance.now() + this.timeouts.idleMs));
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

  /**
   * @internal the shared timer: cancels the attempt when a deadline passed. Answers its next
   * deadline (Infinity once cancelled), which the timer re-arms for.
   */
  check(now: number): number {
    const due = Math.min(this.firstByteAt, this.idleAt, this.totalAt);
    if (due > now) return due;
    this.timedOut ??= due === this.firstByteAt ? 'first_byte' : due === this.idleAt ? 'idle' : 'total';
    this.cancel(new Error(`${this.timedOut} timeout`));
    return Number.POSITIVE_INFINITY;
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
