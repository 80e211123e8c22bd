import { performance } from 'node:perf_hooks';
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent, usageEventId } from '../../shared/events/usage-event.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Exchange } from '../http/exchange.ts';
import type { AttemptPolicy } from '../request/attempt.ts';
import { type RecordedResponse, RecordingExchange } from '../request/recording-exchange.ts';
import type { RoutedRequest } from '../request/routed-request.ts';
import type { UsagePublisher } from '../usage/usage-publisher.ts';
import { cacheKey, isDeterministic } from './cache-key.ts';
import type { CacheMetrics } from './cache-metrics.ts';
import type { EffectiveCachePolicy } from './cache-policy.ts';
import type { CachedAnswer, CacheStore } from './cache-store.ts';
import { replayAnswer } from './replay-answer.ts';

/** The endpoints whose answers are cached (legacy `/v1/completions` is not). */
const CACHED_PATHS = new Set(['/v1/chat/completions', '/v1/embeddings', '/v1/messages', '/v1/responses']);
export const CACHE_HEADER = 'x-tollgate-cache';
export const CACHE_TTL_HEADER = 'x-tollgate-cache-ttl';
/** Answers larger than this are not kept. */
const MAX_ENTRY_BYTES = 1024 * 1024;

export interface ResponseCacheDeps {
  store: CacheStore;
  metrics: CacheMetrics;
  usage: UsagePublisher;
}

/** How the request runs when it was not answered from the cache. */
export interface CacheRun {
  /** Answer through this (it keeps a complete successful answer). */
  exchange: Exchange;
  /** The request's money policy, watched for the serving attempt's usage. */
  money: AttemptPolicy;
  /** Once the attempts are over: waits until the answer is stored (its last write waits for that). */
  finish(): Promise<void>;
}

/**
 * The response-cache stage of the pipeline, after admission (limits count a hit like any
 * request). 'hit': answered from the cache, with no upstream attempt and a usage event at the
 * plan's cache-hit price. Otherwise the request runs through the returned exchange, which stores
 * its answer when the policy and the request allow. Every answer on a cached endpoint says
 * `x-tollgate-cache: hit | miss | bypass`. A store that does not answer is bypassed. Null,
 * synchronously, when the request runs as it is (no policy applies, bypassed, or an endpoint
 * without a cache): no promise, no recorder.
 */
export function beginResponseCache(exchange: Exchange, request: RoutedRequest, deps: ResponseCacheDeps): null | Promise<CacheRun | 'hit' | null> {
  if (!CACHED_PATHS.has(request.endpoint.path)) return null;
  const policy = request.snapshot.cachePolicies.forKey(request.apiKey);
  if (!policy) return bypass(exchange, deps);
  const ttlSeconds = requestTtl(exchange.headers[CACHE_TTL_HEADER], policy);
  const control = cacheControl(exchange.headers['cache-control']);
  if (control.noStore || deps.store.unavailable()) return bypass(exchange, deps);
  return lookup(exchange, request, deps, policy, ttlSeconds, control.noCache);
}

function bypass(exchange: Exchange, deps: ResponseCacheDeps): null {
  exchange.setHeader(CACHE_HEADER, 'bypass');
  deps.metrics.verdict('bypass');
  return null;
}

async function lookup(
  exchange: Exchange,
  request: RoutedRequest,
  deps: ResponseCacheDeps,
  policy: EffectiveCachePolicy,
  ttlSeconds: number,
  noCache: boolean,
): Promise<CacheRun | 'hit' | null> {
  const body = JSON.parse(exchange.body.toString('utf8')) as Record<string, unknown>;
  const { path } = request.endpoint;
  if (policy.deterministicOnly && !isDeterministic(path, body)) return bypass(exchange, deps);
  const key = cacheKey({
    teamId: request.apiKey.team.id,
    modelId: request.route.steps[0].model.model.id,
    path,
    systemPrompt: request.apiKey.routing.systemPrompt,
    guardrails: request.snapshot.guardrails.forTeam(request.apiKey.team).map((rail) => rail.fingerprint),
    body,
  });

  if (!noCache) {
    let cached: CachedAnswer | null;
    try {
      cached = await deps.store.get(key);
    } catch {
      return bypass(exchange, deps);
    }
    if (cached && (await serveHit(exchange, request, cached, policy, deps))) return 'hit';
  }
  // no-cache: the lookup is skipped (bypass) and the fresh answer replaces the entry.
  exchange.setHeader(CACHE_HEADER, noCache ? 'bypass' : 'miss');
  deps.metrics.verdict(noCache ? 'bypass' : 'miss');
  return record(exchange, request, deps, key, ttlSeconds);
}

/** Keeps the answer of the attempt that served the request, if it is complete and successful. */
function record(exchange: Exchange, request: RoutedRequest, deps: ResponseCacheDeps, key: string, ttlSeconds: number): CacheRun {
  let served: UsageEvent | null = null;
  const money: AttemptPolicy = {
    before: (attempt) => request.money.before(attempt),
    after(attempt, event) {
      if (event.outcome === 'ok') served = event;
      request.money.after(attempt, event);
    },
    close: () => request.money.close(),
  };
  const recorder = new RecordingExchange(exchange, async (response) => {
    if (!served || !cacheable(response)) return;
    const answer: CachedAnswer = {
      storedAt: Date.now(),
      response,
      model: served.model,
      usage: {
        promptTokens: served.promptTokens,
        completionTokens: served.completionTokens,
        cachedTokens: served.cachedTokens,
        costMicroUsd: served.costMicroUsd,
        estimated: served.estimated,
      },
    };
    if (JSON.stringify(answer).length > MAX_ENTRY_BYTES) return;
    // Bounded by the store's own timeout; a failed write only costs a later miss.
    await deps.store.set(key, answer, ttlSeconds * 1000).catch(() => {});
  });
  return { exchange: recorder, money, finish: () => recorder.persisted() };
}

/**
 * Never an error, a truncated stream (the recorder only sees streams that ended well) or a
 * content-filtered answer (OpenAI's `content_filter` finish reason, Anthropic's `refusal`).
 */
function cacheable(response: RecordedResponse): boolean {
  const text = response.kind === 'json' ? JSON.stringify(response.body) : response.frames.map((frame) => frame.data).join('\n');
  return !text.includes('"content_filter"') && !text.includes('"stop_reason":"refusal"');
}

async function serveHit(
  exchange: Exchange,
  request: RoutedRequest,
  cached: CachedAnswer,
  policy: EffectiveCachePolicy,
  deps: ResponseCacheDeps,
): Promise<boolean> {
  const streamed = request.endpoint.request.stream === true;
  const includeUsage = request.endpoint.request.stream_options?.include_usage === true;
  const replay = replayAnswer(request.endpoint.path, cached, streamed, includeUsage);
  // An entry of the other kind on an endpoint that cannot convert it: served upstream and replaced.
  if (!replay) return false;
  exchange.setHeader(CACHE_HEADER, 'hit');
  exchange.setHeader('age', String(Math.max(0, Math.floor((Date.now() - cached.storedAt) / 1000))));
  exchange.setHeader('x-tollgate-model', cached.model);
  exchange.setHeader('x-tollgate-provider', 'cache');
  exchange.setHeader('x-tollgate-attempts', '0');
  // No upstream: all of it is the gateway's, up to the head (the replay's serialising included).
  exchange.setOverhead(0);
  deps.metrics.verdict('hit');
  const event = hitEvent(exchange, request, cached, policy, streamed);
  request.money.after({ number: 1, model: request.route.steps[0].model, target: request.firstTargets[0] ?? request.route.steps[0].targets[0] }, event);
  // Usage before the last byte, as for an upstream answer.
  await deps.usage.publish(event);
  await replay(exchange);
  return true;
}

/** The usage event of a hit: the cached answer's tokens (saved), charged the plan's cache-hit price. */
function hitEvent(exchange: Exchange, request: RoutedRequest, cached: CachedAnswer, policy: EffectiveCachePolicy, streamed: boolean): UsageEvent {
  const { apiKey, snapshot } = request;
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    id: usageEventId(exchange.meterId, 1),
    requestId: exchange.meterId,
    attempt: 1,
    teamId: apiKey.team.id,
    apiKeyId: apiKey.key.id,
    model: cached.model,
    // The requested model's budgets take the hit's price, as they take an attempt's cost.
    budgetModelId: request.route.steps[0].model.model.id,
    provider: 'cache',
    providerId: '',
    deploymentId: '',
    endUser: request.endpoint.request.user ?? null,
    promptTokens: cached.usage.promptTokens,
    completionTokens: cached.usage.completionTokens,
    cachedTokens: cached.usage.cachedTokens,
    costMicroUsd: policy.hitPriceMicroUsd,
    providerCostMicroUsd: 0,
    byok: false,
    cacheHit: true,
    cacheSavedMicroUsd: cached.usage.costMicroUsd,
    priceVersion: null,
    estimated: cached.usage.estimated,
    status: 200,
    outcome: 'ok',
    streamed,
    latencyMs: Math.round(performance.now() - exchange.receivedAt),
    ttfbMs: null,
    snapshotVersion: snapshot.version,
    snapshotHash: snapshot.hash,
    startedAt: new Date().toISOString(),
    ...request.labels,
  };
}

/** `x-tollgate-cache-ttl: <seconds>` may shorten the policy's TTL, never lengthen it. */
function requestTtl(header: string | undefined, policy: EffectiveCachePolicy): number {
  if (header === undefined) return policy.ttlSeconds;
  if (!/^\d{1,9}$/.test(header.trim()) || Number(header) < 1) {
    throw new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_cache_ttl',
      param: CACHE_TTL_HEADER,
      message: `${CACHE_TTL_HEADER} must be a whole number of seconds, at least 1.`,
    });
  }
  return Math.min(Number(header), policy.ttlSeconds);
}

/** The request's Cache-Control directives the cache obeys (RFC 9111 5.2.1): no-cache and no-store. */
function cacheControl(header: string | undefined): { noCache: boolean; noStore: boolean } {
  const directives = new Set((header ?? '').split(',').map((part) => part.trim().toLowerCase().split('=')[0]));
  return { noCache: directives.has('no-cache'), noStore: directives.has('no-store') };
}
