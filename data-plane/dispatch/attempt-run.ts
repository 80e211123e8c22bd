import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import type { Exchange } from '../http/exchange.ts';
import type { UpstreamCall } from '../providers/adapter.ts';
import { timeoutsFor } from '../routing/timeouts.ts';
import type { CompiledApiKey, CompiledModel, CompiledSnapshot, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { AttemptMeter, type AttemptOutcome } from '../usage/attempt-meter.ts';
import { AttemptClock } from './attempt-clock.ts';
import type { DispatchDeps } from './dispatch-request.ts';
import type { Endpoint } from './endpoint.ts';

/** One attempt as the loop asks for it. */
export interface AttemptSpec {
  exchange: Exchange;
  /** 1-based. */
  attempt: number;
  snapshot: CompiledSnapshot;
  apiKey: CompiledApiKey;
  model: CompiledModel;
  target: CompiledTarget;
  /** Its request, and the relay that sends it and answers the client. */
  endpoint: Endpoint;
  deps: DispatchDeps;
  /**
   * Called once, just before the first byte goes to the client (response headers are still
   * writable), with the milliseconds this attempt waited on the upstream so far. After it the
   * request is committed to this attempt: no retry, no fallback.
   */
  commit(upstreamWaitMs: number): void;
  /** The admission hook's settle, if any. */
  settle?: (event: UsageEvent) => void;
  /** Generated text as it reaches the client (prompt logging); absent for most teams. */
  output?: (text: string) => void;
}

export type AttemptResult =
  /** The response went out (complete, or cut after the first byte and reported in-stream). */
  | { kind: 'served' }
  /** Failed before any byte reached the client: the loop may try elsewhere. */
  | { kind: 'failed'; error: unknown; upstreamWaitMs: number }
  /** Failed after the first byte: the error must end the stream as its final event. */
  | { kind: 'failed_after_commit'; error: unknown }
  /** The client left; nobody is waiting for anything. */
  | { kind: 'aborted' };

/** What a relay needs while the attempt runs. */
export interface AttemptRun {
  exchange: Exchange;
  target: CompiledTarget;
  /**
   * The attempt's routing (deployment, credential, signal, timeouts) with the chat-shaped request;
   * relays of other endpoints send their own body with the rest of this call.
   */
  call: UpstreamCall;
  meter: AttemptMeter;
  clock: AttemptClock;
  deps: DispatchDeps;
  /** The request is now this attempt's (see AttemptSpec.commit). */
  commit(): void;
  /**
   * Ends the attempt: publishes its usage event, once. Resolves when the bus holds the event (or
   * the local spool does), or after HANDOVER_WAIT_MS at most: a relay awaits it before the
   * response's last bytes, so a client that got a whole answer has had its usage handed over.
   */
  end(outcome: AttemptOutcome): Promise<void>;
  /** See AttemptSpec.output. */
  output?: (text: string) => void;
}

/**
 * The longest a response's last bytes wait for its usage event to reach the bus. An XADD takes
 * well under a millisecond; the cap only matters while Redis hangs (before the publisher gives up
 * and spools), where serving on matters more than the handover.
 */
const HANDOVER_WAIT_MS = 250;

function withinHandoverWait(handedOver: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, HANDOVER_WAIT_MS)));
  return Promise.race([handedOver, cap]).finally(() => clearTimeout(timer));
}

/** Runs one upstream attempt under its deadlines and meters it, whatever happens. */
export async function runAttempt(spec: AttemptSpec): Promise<AttemptResult> {
  const { exchange, target, endpoint, deps } = spec;
  const { request } = endpoint;
  const streamed = request.stream === true;
  const meter = new AttemptMeter({
    requestId: exchange.meterId,
    attempt: spec.attempt,
    snapshot: spec.snapshot,
    apiKey: spec.apiKey,
    model: spec.model,
    target,
    endUser: request.user ?? null,
    streamed,
    messages: request.messages,
  });
  const clock = new AttemptClock(exchange.signal, timeoutsFor(target.deployment, deps.routing.timeouts), streamed);
  const leaveInFlight = deps.routing.stats.begin(target.deployment.id);
  const endSpan = deps.tracing?.startAttempt(exchange.meterId, {
    attempt: spec.attempt,
    provider: target.provider.name,
    providerKind: target.provider.kind,
    deploymentId: target.deployment.id,
    model: spec.model.model.name,
    upstreamModel: target.deployment.upstreamModel,
  });
  let ended = false;
  let committed = false;
  const run: AttemptRun = {
    exchange,
    target,
    meter,
    clock,
    deps,
    output: spec.output,
    call: {
      request,
      upstreamModel: target.deployment.upstreamModel,
      provider: target.provider,
      signal: clock.signal,
      connectTimeoutMs: target.deployment.timeouts.connectMs ?? undefined,
      requestId: exchange.requestId,
      traceHeaders: endSpan?.traceHeaders,
    },
    commit() {
      committed = true;
      spec.commit(meter.elapsedMs());
    },
    end(outcome) {
      if (ended) return Promise.resolve();
      ended = true;
      clock.dispose();
      leaveInFlight();
      const event = meter.finish(outcome);
      const handedOver = deps.usage.publish(event);
      spec.settle?.(event);
      endSpan?.(event);
      return withinHandoverWait(handedOver);
    },
  };

  try {
    await endpoint.relay(run);
    if (exchange.signal.aborted) void run.end('aborted');
    return exchange.signal.aborted ? { kind: 'aborted' } : { kind: 'served' };
  } catch (caught) {
    const upstreamWaitMs = meter.elapsedMs();
    // Whatever stopped us, the upstream request must not run on.
    clock.abort();
    if (exchange.signal.aborted && clock.timedOut === null) {
      void run.end('aborted');
      return { kind: 'aborted' };
    }
    const error = clock.timedOut !== null ? clock.timeoutError(target.provider.name, 0) : caught;
    if (error instanceof UpstreamError && error.upstreamStatus > 0) meter.answered(error.upstreamStatus);
    if (error instanceof UpstreamError && !error.delivered) meter.undelivered();
    if (clock.timedOut !== null) deps.routing.stats.recordLatency(target.deployment.id, streamed, upstreamWaitMs);
    void run.end(error instanceof UpstreamError ? error.outcome : 'upstream_error');
    return committed ? { kind: 'failed_after_commit', error } : { kind: 'failed', error, upstreamWaitMs };
  }
}
