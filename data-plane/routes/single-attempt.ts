import type { ChatCompletionRequest, ChatMessage } from '../../shared/openai/chat-request.ts';
import { chargeRequest } from '../money/charge-request.ts';
import type { MoneyGuard } from '../money/money-guard.ts';
import { authenticate } from '../auth/authenticate.ts';
import { invalidRequest, snapshotNotLoaded } from '../errors/client-errors.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import type { Exchange } from '../http/exchange.ts';
import type { ProviderAdapter } from '../providers/adapter.ts';
import type { ProviderAdapters } from '../providers/registry.ts';
import { weightedOrder } from '../routing/order-targets.ts';
import { resolveModel } from '../routing/resolve-model.ts';
import type { CompiledModel, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import type { SnapshotStore } from '../snapshot/snapshot-store.ts';
import { AttemptMeter } from '../usage/attempt-meter.ts';
import type { UsagePublisher } from '../usage/usage-publisher.ts';

export interface SingleAttemptDeps {
  snapshots: SnapshotStore;
  adapters: ProviderAdapters;
  usage: UsagePublisher;
  /** Rate limits, budgets and credits: these endpoints pay like chat completions do. */
  money: MoneyGuard;
}

/** What a request of the non-chat endpoints resolved to: one target, its adapter, its meter. */
export interface Attempt {
  target: CompiledTarget;
  adapter: ProviderAdapter;
  meter: AttemptMeter;
  model: CompiledModel;
}

/**
 * The shared spine of `/v1/embeddings` and `/v1/completions`: snapshot read once, auth, model
 * resolution, one upstream attempt metered into exactly one usage event whatever its ending
 * (like dispatchChat; these endpoints have no fallbacks yet). `run` performs the call and the
 * response; `prepare` may refuse (400) before anything is metered.
 */
export async function singleAttempt(
  exchange: Exchange,
  deps: SingleAttemptDeps,
  /** `max_tokens` bounds the output reserved against budgets (0 for embeddings). */
  request: { model: string; user?: string | null; stream?: boolean | null; max_tokens?: number | null },
  /** Text standing for the prompt, for an estimate when the provider reports no usage. */
  promptForEstimate: ChatMessage[],
  prepare: (model: CompiledModel, adapter: ProviderAdapter, target: CompiledTarget) => void,
  run: (attempt: Attempt) => Promise<void>,
): Promise<void> {
  const snapshot = deps.snapshots.current();
  if (!snapshot) throw snapshotNotLoaded();
  exchange.setHeader('x-tollgate-snapshot', String(snapshot.version));
  const apiKey = authenticate(snapshot, exchange.headers, Date.now());
  const resolved = resolveModel(snapshot, apiKey, request.model);
  // One weighted pick among usable deployments; these endpoints have no fallback loop yet.
  const usable = resolved.targets.filter((candidate) => candidate.provider.unusableReason === null);
  const target = weightedOrder(usable.length > 0 ? usable : resolved.targets, Math.random)[0];
  const adapter = deps.adapters[target.provider.kind];
  prepare(resolved.model, adapter, target);
  exchange.setHeader('x-tollgate-model', resolved.model.model.name);
  exchange.setHeader('x-tollgate-provider', target.provider.name);
  const meter = new AttemptMeter({
    requestId: exchange.meterId,
    attempt: 1,
    snapshot,
    apiKey,
    model: resolved.model,
    target,
    endUser: request.user ?? null,
    streamed: request.stream === true,
    messages: promptForEstimate,
  });
  // Admission sees the prompt as messages and the output bound, like a chat request would.
  const admissionRequest = { model: request.model, messages: promptForEstimate, max_tokens: request.max_tokens ?? null } as ChatCompletionRequest;
  await chargeRequest(exchange, deps.money, deps.usage, { apiKey, model: resolved.model, target, budgets: snapshot.budgets, request: admissionRequest }, async (usage) => {
    try {
      await run({ target, adapter, meter, model: resolved.model });
      usage.publish(meter.finish(exchange.signal.aborted ? 'aborted' : 'ok'));
    } catch (error) {
      if (error instanceof UpstreamError && error.upstreamStatus > 0) meter.answered(error.upstreamStatus);
      const outcome = exchange.signal.aborted ? 'aborted' : error instanceof UpstreamError ? error.outcome : 'upstream_error';
      usage.publish(meter.finish(outcome));
      if (!exchange.signal.aborted) throw error;
    }
  });
}

/** The 400 for an endpoint the routed provider kind does not serve. */
export function endpointNotSupported(endpoint: string, model: string, kind: string) {
  return invalidRequest(`The model \`${model}\` is served by a ${kind} provider, which does not support ${endpoint}.`, 'model', 'unsupported_endpoint');
}
