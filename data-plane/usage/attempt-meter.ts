import { performance } from 'node:perf_hooks';
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent, usageEventId } from '../../shared/events/usage-event.ts';
import type { ChatMessage } from '../../shared/openai/chat-request.ts';
import type { ChatCompletionChunk } from '../../shared/openai/chat-response.ts';
import { attemptPrice } from '../../shared/pricing/attempt-price.ts';
import { costMicroUsd, type TokenCounts } from '../../shared/pricing/cost.ts';
import { withMarkup } from '../../shared/pricing/markup.ts';
import { dataOfFrames } from '../providers/sse-parser.ts';
import type { CompiledApiKey, CompiledModel, CompiledSnapshot, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import { tokenizedPromptTokens, tokenizedTextTokens } from './tokenizer-estimate.ts';

export interface AttemptIdentity {
  requestId: string;
  /** 1-based. */
  attempt: number;
  /** The snapshot the request read at entry: its version and hash go on the event. */
  snapshot: CompiledSnapshot;
  apiKey: CompiledApiKey;
  model: CompiledModel;
  /** The requested model's id: its model budgets are the ones the request draws on. */
  budgetModelId: string;
  target: CompiledTarget;
  endUser: string | null;
  /** The request's tags and metadata, on every attempt's event. */
  /** The request's tags and metadata (request/request-tags.ts reads them). */
  labels: Pick<UsageEvent, 'tags' | 'metadata'>;
  streamed: boolean;
  /** The messages as sent upstream, for a prompt estimate when the provider reports no usage. */
  messages: readonly ChatMessage[];
}

export type AttemptOutcome = UsageEvent['outcome'];

/** Unparsed output frames an attempt holds for a possible estimate before it counts them. */
const DEFERRED_BYTES = 64 * 1024;

/**
 * Measures one upstream attempt (timing, status, output seen, reported usage) and turns it into
 * its usage event when it ends, whatever the ending.
 */
export class AttemptMeter {
  private readonly startedAt = new Date();
  /** performance.now() when the attempt started. */
  readonly started = performance.now();
  private status = 0;
  private ttfbMs: number | null = null;
  private usage: TokenCounts | null = null;
  /** Generated text and tool arguments seen so far, tokenized only if the attempt ends without usage. */
  private outputText = '';
  /**
   * Output not counted yet, in stream order: frames forwarded unparsed (see deferFrames) and the
   * text that came after them. Null when there is none.
   */
  private deferred: (Uint8Array | string)[] | null = null;
  private deferredBytes = 0;
  private countFrame: ((json: string) => void) | null = null;
  /** What the provider answered with (model id, finish reasons), for the attempt's span. */
  readonly response: { model: string | null; finishReasons: string[] } = { model: null, finishReasons: [] };
  private delivered = true;
  private guardrail: string | null = null;

  constructor(private readonly identity: AttemptIdentity) {}

  /** The upstream answered with a status (headers, or the whole response). */
  answered(status: number): void {
    this.status = status;
    this.ttfbMs ??= Math.round(performance.now() - this.started);
  }

  /** Milliseconds since the attempt started (the upstream's share of the request's latency). */
  elapsedMs(): number {
    return performance.now() - this.started;
  }

  /** The request never reached the provider (no connection): nothing to bill, whatever the outcome. */
  undelivered(): void {
    this.delivered = false;
  }

  /** A post-call guardrail kept the answer from the client (the event's `guardrail`). */
  blockedBy(guardrail: string): void {
    this.guardrail = guardrail;
  }

  reportUsage(usage: TokenCounts): void {
    this.usage = usage;
    // Reported usage wins over any estimate: frames held for one are no longer needed.
    this.deferred = null;
    this.deferredBytes = 0;
  }

  countChunk(chunk: ChatCompletionChunk): void {
    this.response.model ??= chunk.model;
    for (const choice of chunk.choices) {
      if (choice.delta?.content) this.countText(choice.delta.content);
      for (const call of choice.delta?.tool_calls ?? []) if (call.function?.arguments) this.countText(call.function.arguments);
      if (choice.finish_reason) this.response.finishReasons.push(choice.finish_reason);
    }
  }

  countText(text: string): void {
    if (this.deferred) this.deferred.push(text);
    else this.outputText += text;
  }

  /**
   * Output frames the relay forwarded without parsing them (whole `data: <json>\n\n` frames): held,
   * and counted (each frame's JSON handed to `count`, which meters it as a parsed chunk) only if
   * the attempt needs an estimate. Usually the provider reports usage and they are never parsed;
   * past DEFERRED_BYTES they are counted at once, so a long answer is not held whole.
   * `finishReasons` (the cursor read them) are recorded at once, and not again when counted.
   */
  deferFrames(frames: Uint8Array, count: (json: string) => void, finishReasons: readonly string[] | null = null): void {
    if (finishReasons) this.response.finishReasons.push(...finishReasons);
    if (this.usage) return;
    this.countFrame = count;
    (this.deferred ??= []).push(frames);
    this.deferredBytes += frames.byteLength;
    if (this.deferredBytes > DEFERRED_BYTES) this.countDeferred();
  }

  private countDeferred(): void {
    const deferred = this.deferred;
    if (!deferred) return;
    this.deferred = null;
    this.deferredBytes = 0;
    // Deferred frames' finish reasons were recorded when they were deferred.
    const recorded = this.response.finishReasons.length;
    for (const piece of deferred) {
      if (typeof piece === 'string') this.outputText += piece;
      else for (const json of dataOfFrames(piece)) this.countFrame!(json);
    }
    this.response.finishReasons.length = recorded;
  }

  /** A whole (non-streamed) answer's model id and finish reasons, whatever the endpoint's shape. */
  observeAnswer(body: unknown): void {
    const answer = body as { model?: unknown; choices?: unknown } | null;
    if (typeof answer?.model === 'string') this.response.model = answer.model;
    if (Array.isArray(answer?.choices)) {
      this.response.finishReasons = answer.choices.map((choice) => choice?.finish_reason).filter((reason): reason is string => typeof reason === 'string');
    }
  }

  /** The counts the event will carry if the attempt ends now with `outcome`. */
  tokens(outcome: AttemptOutcome): { tokens: TokenCounts; estimated: boolean } {
    if (this.usage) return { tokens: this.usage, estimated: false };
    return this.estimate(outcome);
  }

  finish(outcome: AttemptOutcome): UsageEvent {
    const { identity } = this;
    const { tokens, estimated } = this.tokens(outcome);
    const price = attemptPrice(identity.model.model, identity.target.deployment);
    const providerCost = costMicroUsd(price, tokens);
    // Bring-your-own-key: the team pays its provider directly, so no markup (docs/money.md).
    const byok = identity.target.provider.teamId !== null;
    const markup = byok ? 0 : (identity.apiKey.plan?.markupBasisPoints ?? 0);
    return {
      schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
      id: usageEventId(identity.requestId, identity.attempt),
      requestId: identity.requestId,
      attempt: identity.attempt,
      teamId: identity.apiKey.team.id,
      apiKeyId: identity.apiKey.key.id,
      model: identity.model.model.name,
      budgetModelId: identity.budgetModelId,
      provider: identity.target.provider.name,
      providerId: identity.target.provider.id,
      deploymentId: identity.target.deployment.id,
      endUser: identity.endUser,
      promptTokens: tokens.promptTokens,
      completionTokens: tokens.completionTokens,
      cachedTokens: tokens.cachedTokens,
      cacheWriteTokens: tokens.cacheWriteTokens ?? 0,
      reasoningTokens: tokens.reasoningTokens ?? 0,
      costMicroUsd: withMarkup(providerCost, markup),
      providerCostMicroUsd: providerCost,
      markupBasisPoints: markup,
      byok,
      priceVersion: price?.version ?? null,
      estimated,
      status: this.status,
      outcome,
      ...(this.guardrail !== null ? { guardrail: this.guardrail } : {}),
      streamed: identity.streamed,
      latencyMs: Math.round(performance.now() - this.started),
      ttfbMs: this.ttfbMs,
      snapshotVersion: identity.snapshot.version,
      snapshotHash: identity.snapshot.hash,
      startedAt: this.startedAt.toISOString(),
      ...identity.labels,
    };
  }

  /**
   * Without reported usage: an upstream that refused the request (an error status, or no answer
   * at all) or never received it (no connection) did no billable work: zero. Anything else (success without usage, abort,
   * timeout, a failure mid-stream) may have been billed: estimate the prompt plus the output seen.
   */
  private estimate(outcome: AttemptOutcome): { tokens: TokenCounts; estimated: boolean } {
    this.countDeferred();
    const accepted = this.status >= 200 && this.status < 300;
    if (!this.delivered || (outcome === 'upstream_error' && !accepted))
      return { tokens: { promptTokens: 0, completionTokens: 0, cachedTokens: 0 }, estimated: false };
    return {
      tokens: {
        promptTokens: tokenizedPromptTokens(this.identity.messages),
        completionTokens: tokenizedTextTokens(this.outputText),
        cachedTokens: 0,
      },
      estimated: true,
    };
  }
}
