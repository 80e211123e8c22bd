import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { Exchange } from '../http/exchange.ts';
import type { ProviderAdapters } from '../providers/registry.ts';
import type { CompiledApiKey, CompiledModel, CompiledSnapshot, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { AttemptMeter, type AttemptOutcome } from '../usage/attempt-meter.ts';
import type { UsagePublisher } from '../usage/usage-publisher.ts';
import type { AttemptRun } from './attempt-run.ts';
import { relayCompletion } from './relay-completion.ts';
import { relayStream } from './relay-stream.ts';

export interface DispatchDeps {
  adapters: ProviderAdapters;
  usage: UsagePublisher;
}

/** Everything decided before the upstream is called, from the snapshot read at entry. */
export interface DispatchPlan {
  snapshot: CompiledSnapshot;
  apiKey: CompiledApiKey;
  model: CompiledModel;
  target: CompiledTarget;
  /** After team policy: what the adapter maps to the wire. */
  request: ChatCompletionRequest;
}

/** Runs the single upstream attempt of the walking skeleton (fallbacks will loop over a plan here). */
export async function dispatchChat(exchange: Exchange, plan: DispatchPlan, deps: DispatchDeps): Promise<void> {
  const { request, target } = plan;
  const meter = new AttemptMeter({
    requestId: exchange.requestId,
    attempt: 1,
    snapshot: plan.snapshot,
    apiKey: plan.apiKey,
    model: plan.model,
    target,
    endUser: request.user ?? null,
    streamed: request.stream === true,
    messages: request.messages,
  });
  let ended = false;
  const run: AttemptRun = {
    exchange,
    meter,
    deps,
    call: { request, upstreamModel: target.deployment.upstreamModel, provider: target.provider, signal: exchange.signal },
    end(outcome) {
      if (ended) return;
      ended = true;
      deps.usage.publish(meter.finish(outcome));
    },
  };
  try {
    if (request.stream === true) await relayStream(run);
    else await relayCompletion(run);
  } catch (error) {
    if (error instanceof UpstreamError && error.upstreamStatus > 0) meter.answered(error.upstreamStatus);
    run.end(outcomeOf(error, exchange.signal));
    // After a client abort nobody is listening; the attempt is metered, that is all.
    if (!exchange.signal.aborted) throw error;
  }
}

function outcomeOf(error: unknown, signal: AbortSignal): AttemptOutcome {
  if (signal.aborted) return 'aborted';
  if (error instanceof UpstreamError) return error.outcome;
  return 'upstream_error';
}
