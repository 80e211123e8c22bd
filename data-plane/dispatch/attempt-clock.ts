import { UpstreamError } from '../errors/gateway-error.ts';
import type { AttemptTimeouts } from '../routing/timeouts.ts';

export type TimeoutPhase = 'first_byte' | 'idle' | 'total';

/**
 * The deadlines of one attempt and the signal that enforces them: aborted when the client leaves
 * or a deadline passes, so the adapter cancels the upstream request either way. `race` also
 * rejects at once, so an adapter slow to honour the signal cannot hold the attempt.
 */
export class AttemptClock {
  readonly signal: AbortSignal;
  /** Which deadline ended the attempt, if one did. */
  timedOut: TimeoutPhase | null = null;
  private readonly controller = new AbortController();
  private readonly expired: Promise<never>;
  private readonly timers: Partial<Record<TimeoutPhase, NodeJS.Timeout>> = {};
  private readonly unlinkClient: () => void;

  constructor(
    clientSignal: AbortSignal,
    readonly timeouts: AttemptTimeouts,
  ) {
    // Linked by hand, not with AbortSignal.any: on Node 20 a composite signal keeps its sources'
    // listeners and dependants alive, and the heap grew by every request's body and stream.
    const onClientAbort = () => this.controller.abort(clientSignal.reason);
    if (clientSignal.aborted) onClientAbort();
    else clientSignal.addEventListener('abort', onClientAbort, { once: true });
    this.unlinkClient = () => clientSignal.removeEventListener('abort', onClientAbort);
    this.signal = this.controller.signal;
    this.expired = new Promise<never>((_, reject) => {
      const fail = () => reject(this.signal.reason);
      if (this.signal.aborted) fail();
      else this.signal.addEventListener('abort', fail, { once: true });
    });
    // Nobody may be racing when it fires; the rejection is observed through `race` or not at all.
    this.expired.catch(() => {});
    this.arm('total', timeouts.totalMs);
    // Streams: until the first event. Non-streamed calls: until the upstream's response head (or
    // its whole answer, for adapters without HTTP), so a hung upstream is cut at firstByteMs.
    this.arm('first_byte', timeouts.firstByteMs);
  }

  /** Waits for the upstream; with `idle`, the idle deadline runs for exactly this wait. */
  async race<T>(promise: Promise<T>, idle = false): Promise<T> {
    promise.catch(() => {}); // a loser's late rejection is not unhandled
    if (idle) this.arm('idle', this.timeouts.idleMs);
    try {
      return await Promise.race([promise, this.expired]);
    } finally {
      if (idle) this.disarm('idle');
    }
  }

  /**
   * The first stream event (or a non-streamed call's response head) arrived: from now on a stream's
   * silences are bounded by the idle deadline, a non-streamed call's body by the total one.
   */
  gotFirstByte(): void {
    this.disarm('first_byte');
  }

  /** Cancels the upstream request (the attempt failed or is over early). */
  abort(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new Error('attempt ended'));
  }

  dispose(): void {
    for (const phase of Object.keys(this.timers) as TimeoutPhase[]) this.disarm(phase);
    this.unlinkClient();
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

  private arm(phase: TimeoutPhase, ms: number): void {
    this.disarm(phase);
    this.timers[phase] = setTimeout(() => {
      this.timedOut ??= phase;
      this.controller.abort(new Error(`${phase} timeout`));
    }, ms);
  }

  private disarm(phase: TimeoutPhase): void {
    clearTimeout(this.timers[phase]);
    delete this.timers[phase];
  }
}
