import { performance } from 'node:perf_hooks';
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent, usageEventId } from '../../shared/events/usage-event.ts';
import type { ChatMessage } from '../../shared/openai/chat-request.ts';
import type { ChatCompletionChunk } from '../../shared/openai/chat-response.ts';
import { attemptPrice } from '../../shared/pricing/attempt-price.ts';
import { costMicroUsd, type TokenCounts } from '../../shared/pricing/cost.ts';
import { withMarkup } from '../../shared/pricing/markup.ts';
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
  streamed: boolean;
  /** The messages as sent upstream, for a prompt estimate when the provider reports no usage. */
  messages: readonly ChatMessage[];
}

export type AttemptOutcome = UsageEvent['outcome'];

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
  }

  countChunk(chunk: ChatCompletionChunk): void {
    this.response.model ??= chunk.model;
    for (const choice of chunk.choices) {
      if (choice.delta?.content) this.outputText += choice.delta.content;
      for (const call of choice.delta?.tool_calls ?? []) if (call.function?.arguments) this.outputText += call.function.arguments;
      if (choice.finish_reason) this.response.finishReasons.push(choice.finish_reason);
    }
  }

  countText(text: string): void {
    this.outputText += text;
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
    };
  }

  /**
   * Without reported usage: an upstream that refused the request (an error status, or no answer
   * at all) or never received it (no connection) did no billable work: zero. Anything else (success without usage, abort,
   * timeout, a failure mid-stream) may have been billed: estimate the prompt plus the output seen.
   */
  private estimate(outcome: AttemptOutcome): { tokens: TokenCounts; estimated: boolean } {
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
