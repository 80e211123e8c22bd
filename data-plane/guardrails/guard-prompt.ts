import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent, usageEventId } from '../../shared/events/usage-event.ts';
import { messageText } from '../../shared/openai/chat-request.ts';
import type { Exchange } from '../http/exchange.ts';
import type { Endpoint } from '../request/endpoint.ts';
import type { PlannedRequest } from '../request/routed-request.ts';
import { tokenizedPromptTokens } from '../usage/tokenizer-estimate.ts';
import type { UsagePublisher } from '../usage/usage-publisher.ts';
import { AnswerGuard, askWebhook } from './answer-guard.ts';
import { hasImages } from './chat-text.ts';
import type { CompiledGuardrail } from './compiled-guardrail.ts';
import { GuardrailBlockedError } from './guardrail-blocked.ts';
import type { WebhookCaller } from './webhook-guard.ts';

export interface GuardrailDeps {
  webhooks: WebhookCaller;
  usage: UsagePublisher;
}

/** The response header naming the guardrail that blocked a request. */
export const GUARDRAIL_HEADER = 'x-tollgate-guardrail';

/**
 * Runs the team's pre-call guardrails (its plan's, then its own) on the planned request, in order,
 * before idempotency, money and any upstream call. Returns the request with its prompt masked or
 * rewritten where a guardrail says so (the endpoint is rebuilt: what goes upstream, what prompt
 * logs and traces see, what admission counts are all the masked text), and the answer guard
 * for its post-call ones. A block throws GuardrailBlockedError after publishing the request's
 * one usage event: $0, outcome `blocked`, the guardrail's name. Null, synchronously, when the
 * team has no guardrails (most requests): the request goes on as planned, with no promise made.
 */
export function guardPrompt(exchange: Exchange, planned: PlannedRequest, deps: GuardrailDeps): null | Promise<PlannedRequest> {
  const rails = planned.snapshot.guardrails.forTeam(planned.apiKey.team);
  if (rails.length === 0) return null;
  return checkRails(exchange, planned, rails, deps);
}

async function checkRails(exchange: Exchange, planned: PlannedRequest, rails: readonly CompiledGuardrail[], deps: GuardrailDeps): Promise<PlannedRequest> {
  const model = planned.route.steps[0].model.model.name;
  const context = { requestId: exchange.meterId, teamId: planned.apiKey.team.id, model };
  let endpoint = planned.endpoint;
  try {
    for (const rail of rails) if (rail.pre) endpoint = await checkPrompt(rail, endpoint, model, context, deps.webhooks, exchange.signal);
  } catch (error) {
    if (error instanceof GuardrailBlockedError) {
      exchange.setHeader(GUARDRAIL_HEADER, error.guardrail);
      await deps.usage.publish(blockedEvent(exchange, planned, error.guardrail));
    }
    throw error;
  }
  const post = rails.filter((rail) => rail.post);
  // Embeddings answer vectors: there is no text to check.
  const answerGuard = post.length > 0 && endpoint.path !== '/v1/embeddings' ? new AnswerGuard(post, context, deps.webhooks) : undefined;
  return { ...planned, endpoint, answerGuard };
}

async function checkPrompt(
  rail: CompiledGuardrail,
  endpoint: Endpoint,
  model: string,
  context: { requestId: string; teamId: string; model: string },
  webhooks: WebhookCaller,
  signal: AbortSignal,
): Promise<Endpoint> {
  const block = (reason: string) => new GuardrailBlockedError(rail.name, reason);
  switch (rail.kind) {
    case 'deny_list':
    case 'pii': {
      if (rail.kind === 'pii' && rail.action === 'mask') {
        if (!endpoint.mapText) throw block(`masking is not available on ${endpoint.path}`);
        return endpoint.mapText(rail.mask);
      }
      const reason = promptTexts(endpoint)
        .map(rail.check)
        .find((found) => found !== null);
      if (reason) throw block(`${reason} in the prompt`);
      return endpoint;
    }
    case 'max_prompt_tokens': {
      const tokens = tokenizedPromptTokens(endpoint.request.messages);
      if (tokens > rail.maxTokens) throw block(`the prompt has ${tokens} tokens, more than the ${rail.maxTokens} allowed`);
      return endpoint;
    }
    case 'image_models':
      if (hasImages(endpoint.request.messages) && !rail.allowedModels.has(model)) {
        throw block(`image content may only be sent to ${[...rail.allowedModels].map((name) => `\`${name}\``).join(', ') || 'no model'}`);
      }
      return endpoint;
    case 'webhook': {
      const texts = promptTexts(endpoint);
      const verdict = await askWebhook(rail, webhooks, { stage: 'pre', guardrail: rail.name, ...context, texts, sentAt: new Date().toISOString() }, signal);
      if (verdict === null) return endpoint;
      if (verdict.action === 'block') throw block(verdict.reason);
      if (!endpoint.mapText) throw block(`the webhook rewrote the prompt, which ${endpoint.path} cannot take`);
      let index = 0;
      return endpoint.mapText(() => verdict.texts[index++]);
    }
  }
}

/** The prompt's texts in the order mapText visits them (the chat form's where the endpoint has no mapText). */
export function promptTexts(endpoint: Endpoint): string[] {
  if (!endpoint.mapText) return endpoint.request.messages.map((message) => messageText(message.content));
  const texts: string[] = [];
  endpoint.mapText((text) => {
    texts.push(text);
    return text;
  });
  return texts;
}

/** The usage event of a request blocked before any upstream call: attempt 1, no deployment, $0. */
function blockedEvent(exchange: Exchange, planned: PlannedRequest, guardrail: string): UsageEvent {
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    id: usageEventId(exchange.meterId, 1),
    requestId: exchange.meterId,
    attempt: 1,
    teamId: planned.apiKey.team.id,
    apiKeyId: planned.apiKey.key.id,
    model: planned.route.steps[0].model.model.name,
    provider: '',
    providerId: '',
    deploymentId: '',
    endUser: planned.endpoint.request.user ?? null,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    costMicroUsd: 0,
    providerCostMicroUsd: 0,
    byok: false,
    priceVersion: null,
    estimated: false,
    status: 400,
    outcome: 'blocked',
    guardrail,
    streamed: planned.endpoint.request.stream === true,
    latencyMs: 0,
    ttfbMs: null,
    snapshotVersion: planned.snapshot.version,
    snapshotHash: planned.snapshot.hash,
    startedAt: new Date().toISOString(),
    ...planned.labels,
  };
}
