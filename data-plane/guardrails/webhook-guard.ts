import { createHmac } from 'node:crypto';
import type { UpstreamAgents } from '../providers/upstream-agent.ts';

/** What a webhook guardrail is sent: the prompt's texts (pre) or the answer's (post), in order. */
export interface WebhookPayload {
  stage: 'pre' | 'post';
  guardrail: string;
  requestId: string;
  teamId: string;
  model: string;
  texts: string[];
  /** ISO time of sending: with the signature, lets the receiver refuse replays. */
  sentAt: string;
}

/** The webhook's decision. `modify` replaces the texts one for one (same count, same order). */
export type WebhookVerdict = { action: 'allow' } | { action: 'block'; reason: string } | { action: 'modify'; texts: string[] };

export interface WebhookTarget {
  url: string;
  /** The opened HMAC secret. */
  secret: string;
  timeoutMs: number;
  /** Team-owned guardrails reach public addresses only, as team-owned providers do (address-guard.ts). */
  reach: 'any' | 'public-only';
}

/** Posts guardrail checks to webhooks through the data plane's upstream agents; `signal`: the client left, stop asking. */
export type WebhookCaller = (target: WebhookTarget, payload: WebhookPayload, signal?: AbortSignal) => Promise<WebhookVerdict>;

/** `sha256=<hex>` HMAC-SHA256 of the raw body, as the `x-tollgate-signature` header of every Tollgate webhook. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The caller over the upstream agents: a team's webhook connects only to public addresses (or the
 * operator's TOLLGATE_BYOK_ALLOWED_CIDRS), checked at connect time after DNS. Throws on a timeout,
 * a refused address, a non-2xx status or an answer that is not a verdict: the guardrail's
 * `failOpen` decides what that means.
 */
let undiciIndex: Promise<typeof import('undici')> | undefined;

export function createWebhookCaller(agents: UpstreamAgents): WebhookCaller {
  return async (target, payload, clientSignal) => {
    // undici's index (its `request`) on the first call, not at start (providers/undici-parts.ts);
    // loaded before the webhook's timeout starts.
    const { request } = await (undiciIndex ??= import('undici'));
    const body = JSON.stringify(payload);
    const timeout = AbortSignal.timeout(target.timeoutMs);
    const signal = clientSignal ? AbortSignal.any([timeout, clientSignal]) : timeout;
    const response = await request(target.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'tollgate-guardrail', 'x-tollgate-signature': signWebhookBody(target.secret, body) },
      dispatcher: agents.forConnectTimeout(target.timeoutMs, target.reach),
      signal,
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`the webhook answered ${response.statusCode}`);
    return parseVerdict(text, payload.texts.length);
  };
}

function parseVerdict(text: string, sent: number): WebhookVerdict {
  let answer: { action?: unknown; reason?: unknown; texts?: unknown };
  try {
    answer = JSON.parse(text);
  } catch {
    throw new Error('the webhook answer is not JSON');
  }
  if (answer?.action === 'allow') return { action: 'allow' };
  if (answer?.action === 'block')
    return { action: 'block', reason: typeof answer.reason === 'string' && answer.reason ? answer.reason : 'refused by the webhook' };
  if (answer?.action === 'modify' && Array.isArray(answer.texts) && answer.texts.length === sent && answer.texts.every((t) => typeof t === 'string')) {
    return { action: 'modify', texts: answer.texts as string[] };
  }
  throw new Error('the webhook answer is not {"action":"allow"|"block"|"modify"} (modify with as many texts as were sent)');
}
