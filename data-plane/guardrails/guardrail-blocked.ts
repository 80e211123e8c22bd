import { GatewayError } from '../errors/gateway-error.ts';

/**
 * A guardrail refused the prompt or the answer: 400 `guardrail_blocked` in the ingress's own
 * error format, naming the guardrail. Before the first byte it is the response; after it (a
 * stream checked as it flows) it is the stream's final error event.
 */
export class GuardrailBlockedError extends GatewayError {
  readonly guardrail: string;

  constructor(guardrail: string, reason: string) {
    super({
      status: 400,
      type: 'invalid_request_error',
      code: 'guardrail_blocked',
      message: `Blocked by guardrail \`${guardrail}\`: ${reason}`,
    });
    this.name = 'GuardrailBlockedError';
    this.guardrail = guardrail;
  }
}
