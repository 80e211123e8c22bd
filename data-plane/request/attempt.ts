import type { UsageEvent } from '../../shared/events/usage-event.ts';
import type { GatewayError, UpstreamError } from '../errors/gateway-error.ts';
import type { AnswerGuard } from '../guardrails/answer-guard.ts';
import type { AbortHook } from '../http/cancellation.ts';
import type { Exchange } from '../http/exchange.ts';
import type { ProviderAdapter, UpstreamCall } from '../providers/adapter.ts';
import type { CompiledModel, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import type { AttemptMeter, AttemptOutcome } from '../usage/attempt-meter.ts';

/** One upstream attempt of a request: the model and deployment it goes to. */
export interface Attempt {
  /** 1-based; the index its usage event carries. */
  readonly number: number;
  readonly model: CompiledModel;
  readonly target: CompiledTarget;
}

/**
 * What every attempt of a request goes through, the first included (money implements it:
 * MoneyGuard.forRequest). The attempt loop calls `before` right before each attempt, `after`
 * exactly once with each attempt's usage event whatever its outcome, and the pipeline calls
 * `close` once when the request is over.
 */
export interface AttemptPolicy {
  /**
   * Null when the attempt may go ahead (synchronously: nothing to wait for), or a promise of it.
   * A GatewayError (resolved, not thrown) skips this deployment: the loop goes on with the plan,
   * and the chain may take over as on an upstream's 429. A rejection ends the request.
   */
  before(attempt: Attempt): null | Promise<GatewayError | null>;
  after(attempt: Attempt, event: UsageEvent): void;
  close(): void;
}

/** The deadlines of one attempt, as a relay sees them (dispatch/attempt-clock.ts). */
export interface AttemptDeadlines {
  /** Aborted when the client leaves or a deadline passes: pass it to the upstream call. */
  readonly cancellation: AbortHook;
  /** Waits for the upstream, rejecting at once when a deadline passes; `idle` bounds this one wait. */
  race<T>(promise: Promise<T>, idle?: boolean): Promise<T>;
  /** The first stream event arrived. */
  gotFirstByte(): void;
  timeoutError(providerName: string, upstreamStatus: number): UpstreamError;
}

/** What a relay needs while its attempt runs. */
export interface AttemptRun {
  exchange: Exchange;
  target: CompiledTarget;
  /** The adapter of the target's provider kind. */
  adapter: ProviderAdapter;
  /**
   * The attempt's routing (deployment, credential, signal, timeouts) with the chat-shaped request;
   * relays of other endpoints send their own body with the rest of this call.
   */
  call: UpstreamCall;
  meter: AttemptMeter;
  clock: AttemptDeadlines;
  /**
   * The request is now this attempt's: called once, right before the first byte goes to the client
   * (response headers are still writable). No retry, no fallback after it.
   */
  commit(): void;
  /**
   * Ends the attempt: its usage event goes to the publisher and to the attempt policy, once. A
   * relay awaits it before the response's last bytes, so a client that got a whole answer has had
   * its usage handed over (the promise resolves when the bus or the local spool holds the event).
   */
  end(outcome: AttemptOutcome): Promise<void>;
  /** Generated text as it reaches the client (prompt logging, post-call guardrails); absent for most teams. */
  output?: (text: string) => void;
  /**
   * The request's post-call guardrails, when its team has any: relays await `finish()` before
   * the attempt's `end('ok')`, and hold a stream back until then when it is `buffered`.
   */
  answerGuard?: AnswerGuard;
}
