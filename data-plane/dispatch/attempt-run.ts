import { performance } from 'node:perf_hooks';
import { GatewayError, UpstreamError } from '../errors/gateway-error.ts';
import { GuardrailBlockedError } from '../guardrails/guardrail-blocked.ts';
import type { Exchange } from '../http/exchange.ts';
import type { UpstreamTiming } from '../providers/adapter.ts';
import { upstreamInvalidResponse } from '../providers/upstream-errors.ts';
import type { Attempt, AttemptRun } from '../request/attempt.ts';
import type { RoutedRequest } from '../request/routed-request.ts';
import { timeoutsFor } from '../routing/timeouts.ts';
import { AttemptMeter } from '../usage/attempt-meter.ts';
import { AttemptClock } from './attempt-clock.ts';
import type { DispatchDeps } from './attempt-loop.ts';

/** The OpenTelemetry gen_ai operation of each endpoint (`gen_ai.operation.name`). */
const OPERATIONS: Record<string, 'chat' | 'embeddings' | 'text_completion'> = {
  '/v1/chat/completions': 'chat',
  '/v1/embeddings': 'embeddings',
  '/v1/completions': 'text_completion',
};

/** One attempt as the loop asks for it. */
export interface AttemptSpec {
  exchange: Exchange;
  attempt: Attempt;
  /** The request it belongs to: its snapshot, key, endpoint and money policy. */
  request: RoutedRequest;
  deps: DispatchDeps;
  /**
   * Called once, just before the first byte goes to the client (response headers are still
   * writable), with the milliseconds this attempt waited on the upstream so far. After it the
   * request is committed to this attempt: no retry, no fallback.
   */
  commit(upstreamWaitMs: number): void;
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

/** Runs one upstream attempt under its deadlines and meters it, whatever happens. */
export async function runAttempt(spec: AttemptSpec): Promise<AttemptResult> {
  const { exchange, attempt, request, deps } = spec;
  const { target } = attempt;
  const { endpoint } = request;
  const streamed = endpoint.request.stream === true;
  const meter = new AttemptMeter({
    requestId: exchange.meterId,
    attempt: attempt.number,
    snapshot: request.snapshot,
    apiKey: request.apiKey,
    model: attempt.model,
    budgetModelId: request.route.steps[0].model.model.id,
    target,
    endUser: endpoint.request.user ?? null,
    labels: request.labels,
    streamed,
    messages: endpoint.request.messages,
  });
  const timeouts = timeoutsFor(target.deployment, deps.routing.policyFor(request.snapshot).timeouts);
  const clock = new AttemptClock(exchange.cancellation, timeouts);
  const leaveInFlight = deps.routing.stats.begin(target.deployment.id);
  const endSpan = deps.tracing?.startAttempt(exchange.meterId, {
    attempt: attempt.number,
    provider: target.provider.name,
    providerKind: target.provider.kind,
    deploymentId: target.deployment.id,
    model: attempt.model.model.name,
    upstreamModel: target.deployment.upstreamModel,
    operation: OPERATIONS[endpoint.path] ?? 'chat',
    request: endpoint.request,
  });
  let ended = false;
  let committed = false;
  const timing = { sentAt: 0, lastByteAt: 0 };
  const run: AttemptRun = {
    exchange,
    target,
    adapter: deps.adapters[target.provider.kind],
    meter,
    clock,
    output: spec.output,
    answerGuard: request.answerGuard,
    call: {
      request: endpoint.request,
      upstreamModel: target.deployment.upstreamModel,
      provider: target.provider,
      cancellation: clock.cancellation,
      // The deployment's, else the snapshot's default, else the data plane's (the agents' default).
      connectTimeoutMs: timeouts.connectMs,
      requestId: exchange.requestId,
      traceHeaders: endSpan?.traceHeaders,
      extraParameters: target.deployment.extraParameters,
      // A non-streamed call's first byte is its response head (a stream's is its first event).
      onResponseHead: streamed ? undefined : () => clock.gotFirstByte(),
      timing,
    },
    commit() {
      committed = true;
      deps.routing.stats.recordLatency(target.deployment.id, streamed, meter.elapsedMs());
      // The upstream's own time: from our request leaving the socket to the bytes that carried its
      // first event (a stream) or the last of its answer (whole). Adapters without HTTP stamp
      // nothing: all of it counts.
      const sentAt = timing.sentAt || meter.started;
      spec.commit((timing.lastByteAt || performance.now()) - sentAt);
    },
    end(outcome) {
      if (ended) return Promise.resolve();
      ended = true;
      clock.dispose();
      leaveInFlight();
      const event = meter.finish(outcome);
      // One channel each: the publisher (to the bus, batched per turn; resolves once handed over,
      // or after its cap while Redis hangs) and the request's money policy.
      const handedOver = deps.usage.publish(event);
      request.money.after(attempt, event);
      endSpan?.(event, meter.response);
      return handedOver;
    },
  };

  try {
    await endpoint.relay(run);
    if (exchange.cancellation.aborted) void run.end('aborted');
    return exchange.cancellation.aborted ? { kind: 'aborted' } : { kind: 'served' };
  } catch (caught) {
    const upstreamWaitMs = meter.elapsedMs();
    // Whatever stopped us, the upstream request must not run on.
    clock.abort();
    if (exchange.cancellation.aborted && clock.timedOut === null) {
      void run.end('aborted');
      return { kind: 'aborted' };
    }
    const error =
      clock.timedOut !== null ? clock.timeoutError(target.provider.name, 0) : unreadableAnswer(caught, timing, target.provider.name, deps, exchange);
    if (error instanceof UpstreamError && error.upstreamStatus > 0) meter.answered(error.upstreamStatus);
    if (error instanceof UpstreamError && !error.delivered) meter.undelivered();
    if (clock.timedOut !== null) deps.routing.stats.recordLatency(target.deployment.id, streamed, upstreamWaitMs);
    if (error instanceof GuardrailBlockedError) {
      // The upstream answered and is charged; the client gets the block instead of the answer.
      meter.blockedBy(error.guardrail);
      if (!committed) exchange.setHeader('x-tollgate-guardrail', error.guardrail);
    }
    void run.end(error instanceof UpstreamError ? error.outcome : error instanceof GuardrailBlockedError ? 'blocked' : 'upstream_error');
    return committed ? { kind: 'failed_after_commit', error } : { kind: 'failed', error, upstreamWaitMs };
  }
}

/**
 * An error that is not ours to render as a bug: anything but a GatewayError thrown once an
 * upstream answer came in (its head stamped `lastByteAt`; error statuses are UpstreamErrors by
 * then) was thrown reading or translating that answer, whose shape the adapters and ingresses
 * check only coarsely (a `parts` that is not an array, a tool call that is null, an `id` that is
 * not a string). It is the upstream's invalid response (502, retried and fallen back from like
 * one) instead of a 500 `internal_error`; the cause is logged, in case the mapping is at fault.
 */
function unreadableAnswer(caught: unknown, timing: UpstreamTiming, providerName: string, deps: DispatchDeps, exchange: Exchange): unknown {
  if (caught instanceof GatewayError || timing.lastByteAt === 0) return caught;
  deps.logger?.error({ requestId: exchange.requestId, provider: providerName, err: caught }, 'upstream answer could not be read');
  // Only a status below 400 gets this far; its exact 2xx is not kept.
  return upstreamInvalidResponse(providerName, 200, 'the gateway could not read its answer', caught);
}
