import type { GatewayError } from '../../errors/gateway-error.ts';
import type { ErrorFormat } from '../../http/exchange.ts';

/** Anthropic's error types, each with the status Anthropic answers it with. */
const BY_STATUS: Record<number, [number, string]> = {
  400: [400, 'invalid_request_error'],
  401: [401, 'authentication_error'],
  402: [402, 'billing_error'],
  403: [403, 'permission_error'],
  404: [404, 'not_found_error'],
  409: [409, 'invalid_request_error'],
  413: [413, 'request_too_large'],
  422: [400, 'invalid_request_error'],
  429: [429, 'rate_limit_error'],
  503: [529, 'overloaded_error'],
  504: [504, 'timeout_error'],
};

/**
 * The one error family in Anthropic's shape (`{"type":"error","error":{"type","message"}}`) and
 * with Anthropic's statuses: an unavailable upstream or gateway is Anthropic's 529
 * `overloaded_error`, any other server-side failure 500 `api_error`, a spent budget 402 `billing_error`. Its SDKs retry exactly
 * these (429, 5xx, 529) as they would against Anthropic.
 */
export function anthropicError(error: GatewayError): { status: number; body: { type: 'error'; error: { type: string; message: string } } } {
  // A spent budget or prepaid credit (OpenAI's 429 insufficient_quota) is Anthropic's 402: its
  // SDKs retry a 429, and waiting does not refill a budget.
  const [status, type] =
    error.type === 'insufficient_quota'
      ? [402, 'billing_error']
      : (BY_STATUS[error.status] ?? (error.status >= 500 ? [500, 'api_error'] : [error.status, 'invalid_request_error']));
  return { status, body: { type: 'error', error: { type, message: error.message } } };
}

export const ANTHROPIC_ERROR_FORMAT: ErrorFormat = {
  json: anthropicError,
  event: (error) => ({ event: 'error', data: JSON.stringify(anthropicError(error).body) }),
};
