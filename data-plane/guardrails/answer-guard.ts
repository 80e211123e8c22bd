import type { CompiledGuardrail } from './compiled-guardrail.ts';
import { GuardrailBlockedError } from './guardrail-blocked.ts';
import type { WebhookCaller, WebhookPayload } from './webhook-guard.ts';

/** How much already-checked text a streamed check looks back over, so a match cut across chunks is found. */
const OVERLAP_CHARS = 256;

type TextRail = Extract<CompiledGuardrail, { kind: 'deny_list' | 'pii' }>;
type WebhookRail = Extract<CompiledGuardrail, { kind: 'webhook' }>;

/**
 * The post-call guardrails of one request. Relays hand it the answer's text as it reaches them
 * (`output`, the same tap prompt logging uses) and call `finish` before the answer's last bytes.
 *
 * - Text checks (deny list, PII) run on each new piece with some look-back, and throw
 *   GuardrailBlockedError: before the first byte (a whole answer, a buffered stream) that is a 400;
 *   after it (a stream checked as it flows) the stream ends with the protocol's error event.
 * - `finish` re-checks the whole text and asks the webhooks; a streamed answer checked as it flows
 *   has already gone out by then, so a webhook block there only replaces the end marker by the
 *   error event: use `buffer` mode where that is not enough.
 * - `buffered`: some guardrail wants streams held back and checked whole before the first byte.
 */
export class AnswerGuard {
  readonly buffered: boolean;
  private readonly textRails: TextRail[];
  private readonly webhookRails: WebhookRail[];
  private text = '';
  private checkedUpTo = 0;

  constructor(
    rails: readonly CompiledGuardrail[],
    private readonly context: Pick<WebhookPayload, 'requestId' | 'teamId' | 'model'>,
    private readonly webhooks: WebhookCaller,
  ) {
    this.buffered = rails.some((rail) => rail.streamMode === 'buffer');
    this.textRails = rails.filter((rail): rail is TextRail => rail.kind === 'deny_list' || rail.kind === 'pii');
    this.webhookRails = rails.filter((rail): rail is WebhookRail => rail.kind === 'webhook');
  }

  /** A new attempt starts: what a failed one produced is not the answer. */
  attemptStarted(): void {
    this.text = '';
    this.checkedUpTo = 0;
  }

  /** Text as it reaches the relay, before it is sent on. */
  readonly output = (text: string): void => {
    this.text += text;
    const from = Math.max(0, this.checkedUpTo - OVERLAP_CHARS);
    this.checkText(this.text.slice(from));
    this.checkedUpTo = this.text.length;
  };

  /** The whole answer: text checks once more over all of it, then the webhooks. */
  async finish(): Promise<void> {
    this.checkText(this.text);
    for (const rail of this.webhookRails) {
      const verdict = await askWebhook(rail, this.webhooks, {
        stage: 'post',
        guardrail: rail.name,
        ...this.context,
        texts: [this.text],
        sentAt: new Date().toISOString(),
      });
      if (verdict === null) continue;
      // An answer is passed on or not, never rewritten: `modify` keeps it from the client.
      throw new GuardrailBlockedError(
        rail.name,
        verdict.action === 'block' ? verdict.reason : 'the webhook asked to modify the answer, which is not supported on answers',
      );
    }
  }

  private checkText(text: string): void {
    for (const rail of this.textRails) {
      const reason = rail.check(text);
      if (reason) throw new GuardrailBlockedError(rail.name, `${reason} in the answer`);
    }
  }
}

/**
 * One webhook decision: null to go on (allow, or a failure with `failOpen`), a block, or a modify.
 * A webhook that cannot be asked (unopenable secret, timeout, refused address, bad answer) blocks
 * unless it fails open.
 */
export async function askWebhook(
  rail: WebhookRail,
  webhooks: WebhookCaller,
  payload: WebhookPayload,
  signal?: AbortSignal,
): Promise<{ action: 'block'; reason: string } | { action: 'modify'; texts: string[] } | null> {
  let failure: string | null = rail.unusableReason;
  if (rail.target && failure === null) {
    try {
      const verdict = await webhooks(rail.target, payload, signal);
      return verdict.action === 'allow' ? null : verdict;
    } catch (error) {
      failure = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${rail.target.timeoutMs} ms` : (error as Error).message;
    }
  }
  return rail.failOpen ? null : { action: 'block', reason: `the webhook failed (${failure}) and the guardrail fails closed` };
}
