import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FallbackTrigger } from '../../shared/snapshot/schema.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { AnswerGuard } from '../guardrails/answer-guard.ts';
import type { Exchange } from '../http/exchange.ts';
import type { Logger } from '../logger.ts';
import { PromptLog } from '../observe/prompt-log.ts';
import type { RequestTracing } from '../observe/tracing.ts';
import type { ProviderAdapters } from '../providers/registry.ts';
import { promptSizeOf } from '../request/prompt-size.ts';
import type { RoutedRequest, RouteStep } from '../request/routed-request.ts';
import { checkContextWindow } from '../routing/context-window.ts';
import { orderTargets } from '../routing/order-targets.ts';
import { backoffMs, classifyFailure } from '../routing/retry-policy.ts';
import type { RoutingRuntime } from '../routing/routing-runtime.ts';
import type { CompiledModel, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import type { UsagePublisher } from '../usage/usage-publisher.ts';
import { runAttempt } from './attempt-run.ts';

export interface DispatchDeps {
  adapters: ProviderAdapters;
  usage: UsagePublisher;
  routing: RoutingRuntime;
  /** Where prompt and completion lines go for teams with `logPrompts` on. */
  logger?: Logger;
  /** Request and attempt spans; absent when tracing is not configured. */
  tracing?: RequestTracing;
}

/** What the loop has learnt so far; the last failure decides whether the plan moves on. */
interface LoopState {
  attempts: number;
  /** Time spent waiting on upstreams (failed attempts whole, the serving one to its first byte). */
  upstreamMs: number;
  /** Deliberate backoff sleeps: neither upstream time nor gateway work. */
  backoffMs: number;
  last: { error: unknown; trigger: FallbackTrigger | null } | null;
  /** The model and deployment of the latest attempt: the serving one, or the last to fail. */
  lastTried: { model: CompiledModel; target: CompiledTarget } | null;
  /** The requested model's context error, kept to answer with when no model fits. */
  contextError: GatewayError | null;
  /** Only for teams with `logPrompts` on. */
  promptLog: PromptLog | null;
}

/**
 * The attempt loop: walks the plan (the requested model, then its fallback chain), trying each
 * model's deployments in strategy order, skipping cooling ones, re-trying with backoff, until an
 * attempt reaches the client or the attempt budget is spent. Retries and fallbacks happen only
 * before the first byte reaches the client. This is the one place an attempt starts and ends:
 * every attempt, the first included, goes through the request's money policy (`before` right
 * before it, `after` with its usage event when it ends).
 */
export async function runAttempts(exchange: Exchange, plan: RoutedRequest, deps: DispatchDeps): Promise<void> {
  const { request } = plan.endpoint;
  const promptLog =
    plan.apiKey.team.logPrompts && deps.logger
      ? new PromptLog(
          deps.logger,
          {
            requestId: exchange.requestId,
            teamId: plan.apiKey.team.id,
            apiKeyId: plan.apiKey.key.id,
            model: plan.route.steps[0].model.model.name,
            streamed: request.stream === true,
          },
          request.messages,
        )
      : null;
  const state: LoopState = { attempts: 0, upstreamMs: 0, backoffMs: 0, last: null, lastTried: null, contextError: null, promptLog };
  const { tracing } = deps;
  if (!promptLog && !tracing) return runPlan(exchange, plan, deps, state);
  tracing?.annotate(exchange.meterId, { model: plan.route.steps[0].model.model.name, teamId: plan.apiKey.team.id, apiKeyId: plan.apiKey.key.id });
  let status = 200;
  try {
    await runPlan(exchange, plan, deps, state);
  } catch (error) {
    status = error instanceof GatewayError ? error.status : 500;
    throw error;
  } finally {
    const servedModel = state.lastTried?.model.model.name ?? null;
    tracing?.annotate(exchange.meterId, { attempts: state.attempts, servedModel });
    promptLog?.write({ status: exchange.cancellation.aborted ? 499 : status, attempts: state.attempts, servedModel });
  }
}

async function runPlan(exchange: Exchange, plan: RoutedRequest, deps: DispatchDeps, state: LoopState): Promise<void> {
  const { request } = plan.endpoint;
  const prompt = promptSizeOf(request);
  for (const [index, step] of plan.route.steps.entries()) {
    // The requested model always gets its turn; a fallback only on a trigger of the chain.
    if (index > 0 && !(state.last?.trigger && plan.route.fallbackTriggers.has(state.last.trigger))) break;
    if (state.attempts >= deps.routing.policyFor(plan.snapshot).retry.maxAttempts) break;
    const tooLong = plan.endpoint.checksContextWindow ? checkContextWindow(step.model, prompt, request) : null;
    if (tooLong) {
      state.contextError ??= tooLong;
      state.last = { error: tooLong, trigger: 'context_window' };
      continue;
    }
    const ordered = index === 0 ? plan.firstTargets : undefined;
    if ((await tryModel(exchange, plan, deps, step, state, ordered)) === 'done') return;
  }
  const error =
    state.last?.trigger === 'context_window' && state.contextError ? state.contextError : (state.last?.error ?? noUsableDeployment(plan.route.steps[0]));
  setRoutingHeaders(exchange, plan.route.steps[0].model, state, 0);
  throw error;
}

/** One model of the plan. 'done' when the request is answered (or its client left). */
async function tryModel(
  exchange: Exchange,
  plan: RoutedRequest,
  deps: DispatchDeps,
  step: RouteStep,
  state: LoopState,
  preordered: readonly CompiledTarget[] | undefined,
): Promise<'done' | 'next'> {
  const { routing } = deps;
  const { cooldowns } = routing;
  // The snapshot's routing defaults over the data plane's own, as of the request's snapshot.
  const { retry, cooldown } = routing.policyFor(plan.snapshot);
  const streamed = plan.endpoint.request.stream === true;
  const ordered =
    preordered ??
    orderTargets(step.targets, plan.strategy, {
      stats: routing.stats,
      streamed,
      random: routing.random,
      model: step.model.model,
      markupBasisPoints: plan.apiKey.plan?.markupBasisPoints,
    });
  if (ordered.length === 0) {
    state.last = { error: noUsableDeployment(step), trigger: 'server_error' };
    return 'next';
  }
  // The shared read (routing/cooldown.ts) lands for the requests after this one, so it waits for
  // the first attempt's upstream request to be written: its commands then leave at this turn's end
  // and their answer overlaps the upstream's wait, not the path to the client's answer.
  let refreshed = false;

  // A model has a few deployments and allows a few attempts: an array, not a Set per request; the
  // retryable set is made by the first failure (most requests have none).
  const tried: CompiledTarget[] = [];
  /** Tried deployments whose last failure may pass on a second try. */
  let retryable: Set<CompiledTarget> | null = null;
  let onThisModel = 0;
  let retries = 0;
  let refusedByLimit = false;
  const free = (target: CompiledTarget) => cooldowns.cooling(target.deployment.id) === null;

  while (onThisModel < retry.maxAttemptsPerModel && state.attempts < retry.maxAttempts) {
    if (exchange.cancellation.aborted) return 'done';
    let target = ordered.find((candidate) => !tried.includes(candidate) && free(candidate));
    if (!target) {
      // Every deployment was tried or is cooling: re-try one that may pass, after a backoff.
      const again = retryable;
      target = again ? ordered.find((candidate) => again.has(candidate) && free(candidate)) : undefined;
      if (!target) break;
      const started = performance.now();
      try {
        await sleep(backoffMs(++retries, retry, routing.random), undefined, { signal: exchange.signal });
      } catch {
        return 'done'; // the client left while we waited
      }
      state.backoffMs += performance.now() - started;
      if (!free(target)) continue;
    }
    if (!tried.includes(target)) tried.push(target);

    const attempt = { number: state.attempts + 1, model: step.model, target };
    const verdict = plan.money.before(attempt);
    const refusal = verdict === null ? null : await verdict;
    if (refusal) {
      // This deployment's own limit is spent: the next one may have room; when none has, the
      // chain may take over as on an upstream's 429.
      state.last = { error: refusal, trigger: 'rate_limit' };
      refusedByLimit = true;
      continue;
    }

    state.attempts = attempt.number;
    onThisModel++;
    state.lastTried = { model: step.model, target };
    state.promptLog?.attemptStarted();
    plan.answerGuard?.attemptStarted();
    const running = runAttempt({
      exchange,
      attempt,
      request: plan,
      deps,
      output: outputTap(state.promptLog, plan.answerGuard),
      commit: (upstreamWaitMs) => setRoutingHeaders(exchange, step.model, state, upstreamWaitMs),
    });
    // Adapters write the upstream request before their first await: it has left by now.
    if (!refreshed) {
      refreshed = true;
      refreshCooldowns(cooldowns, ordered);
    }
    const result = await running;
    if (result.kind === 'served') {
      cooldowns.recordSuccess(target.deployment.id);
      return 'done';
    }
    if (result.kind === 'aborted') return 'done';
    const failure = classifyFailure(result.error);
    if (failure?.countsAsFailure) cooldowns.recordFailure(target.deployment.id, failure.coolForMs, cooldown);
    // After the first byte, or for an error that is not the upstream's, there is nothing to retry.
    if (result.kind === 'failed_after_commit' || !failure) throw result.error;
    state.upstreamMs += result.upstreamWaitMs;
    state.last = { error: result.error, trigger: failure.trigger };
    if (failure.retrySameDeployment) (retryable ??= new Set()).add(target);
    else retryable?.delete(target);
    if (!failure.tryOtherDeployment && !failure.retrySameDeployment) return 'next';
  }
  if (!refreshed) refreshCooldowns(cooldowns, ordered);
  if (onThisModel === 0 && !refusedByLimit && !exchange.cancellation.aborted) {
    // Nothing was even tried: every deployment is cooling down.
    state.last = coolingDown(
      step,
      ordered.map((target) => cooldowns.cooling(target.deployment.id)),
    );
  }
  return 'next';
}

/** Starts the shared cooldown read of the model's deployments; nobody waits for it. */
function refreshCooldowns(cooldowns: RoutingRuntime['cooldowns'], ordered: readonly CompiledTarget[]): void {
  cooldowns.refresh(ordered.map((target) => target.deployment.id));
}

/** Who reads the answer's text as it goes out: prompt logging, post-call guardrails (checked first: a blocked text is not logged as sent). */
function outputTap(promptLog: PromptLog | null, guard: AnswerGuard | undefined): ((text: string) => void) | undefined {
  if (!guard) return promptLog ? (text) => promptLog.output(text) : undefined;
  if (!promptLog) return guard.output;
  return (text) => {
    guard.output(text);
    promptLog.output(text);
  };
}

/**
 * x-tollgate-model / -provider / -attempts / -overhead-ms, set once per response: at commit for
 * the serving attempt, or before the final error. Overhead is the time in the gateway itself,
 * taken by the exchange when it writes the head: total by then minus upstream waits and
 * deliberate backoff sleeps.
 */
function setRoutingHeaders(exchange: Exchange, requested: CompiledModel, state: LoopState, currentWaitMs: number): void {
  exchange.setHeader('x-tollgate-model', (state.lastTried?.model ?? requested).model.name);
  if (state.lastTried) exchange.setHeader('x-tollgate-provider', state.lastTried.target.provider.name);
  exchange.setHeader('x-tollgate-attempts', String(state.attempts));
  exchange.setOverhead(state.upstreamMs + currentWaitMs + state.backoffMs);
}

function noUsableDeployment(step: RouteStep | undefined): GatewayError {
  return new GatewayError({
    status: 503,
    type: 'service_unavailable',
    code: 'no_usable_deployment',
    message: `No deployment of \`${step?.model.model.name ?? 'this model'}\` can serve right now.`,
  });
}

function coolingDown(step: RouteStep, cooling: ReturnType<RoutingRuntime['cooldowns']['cooling']>[]): LoopState['last'] {
  const remaining = cooling.flatMap((entry) => (entry ? [entry.remainingMs] : []));
  const soonestMs = remaining.length > 0 ? Math.min(...remaining) : 1000;
  const error = new GatewayError({
    status: 503,
    type: 'service_unavailable',
    code: 'deployments_cooling_down',
    message: `Every deployment of \`${step.model.model.name}\` failed recently and is cooling down; retry after ${Math.ceil(soonestMs / 1000)} s.`,
    retryAfterSeconds: Math.max(1, Math.ceil(soonestMs / 1000)),
  });
  return { error, trigger: cooling.some((entry) => entry?.reason === 'rate_limit') ? 'rate_limit' : 'server_error' };
}
