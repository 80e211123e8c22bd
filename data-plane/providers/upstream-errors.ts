import type { GatewayErrorType } from '../errors/gateway-error.ts';
import { GatewayError, UpstreamError } from '../errors/gateway-error.ts';

const MAX_MESSAGE_CHARS = 1000;

/**
 * Maps an upstream's HTTP error status to ours. The client's own mistakes keep their status;
 * the provider refusing *our* credential is a gateway-side failure (502), never a 401 that would
 * make the client doubt its own key; overload and timeouts keep their meaning.
 */
export function upstreamHttpError(args: {
  status: number;
  /** The upstream's error message only (never its raw body), already redacted. */
  message: string | null;
  providerName: string;
  retryAfterSeconds?: number;
  /**
   * The status to map by when the provider signals a condition with another one (Gemini's 400
   * API_KEY_INVALID is a 401); `status` stays the upstream status on the error and usage event.
   */
  mapAs?: number;
}): UpstreamError {
  const { providerName } = args;
  const status = args.mapAs ?? args.status;
  const upstreamSays = args.message ? `: ${truncate(args.message)}` : '';
  const base = { upstreamStatus: args.status, retryAfterSeconds: args.retryAfterSeconds };
  const make = (httpStatus: number, type: GatewayErrorType, code: string, message: string, outcome?: 'timeout') =>
    new UpstreamError({ ...base, status: httpStatus, type, code, message, outcome });

  if (status === 401 || status === 403) {
    return make(502, 'upstream_error', 'upstream_auth_failed', `Provider ${providerName} rejected the gateway's credentials.`);
  }
  if (status === 429) return make(429, 'rate_limit_error', 'upstream_rate_limited', `Provider ${providerName} is rate limiting${upstreamSays}`);
  if (status === 408 || status === 504) return make(504, 'timeout_error', 'upstream_timeout', `Provider ${providerName} timed out${upstreamSays}`, 'timeout');
  if (status === 503 || status === 529)
    return make(503, 'service_unavailable', 'upstream_unavailable', `Provider ${providerName} is unavailable${upstreamSays}`);
  if (status >= 400 && status < 500) {
    // 404 from the upstream is about the upstream model id, a configuration problem of ours.
    if (status === 404)
      return make(502, 'upstream_error', 'upstream_model_not_found', `Provider ${providerName} does not know the deployed model${upstreamSays}`);
    return make(status, 'invalid_request_error', 'upstream_rejected_request', `Provider ${providerName} rejected the request${upstreamSays}`);
  }
  return make(502, 'upstream_error', 'upstream_error', `Provider ${providerName} failed with status ${status}${upstreamSays}`);
}

/** A failure that happened after the upstream accepted the request (bad frame, error event). */
export function upstreamStreamError(providerName: string, status: number, message: string): UpstreamError {
  return new UpstreamError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_stream_error',
    upstreamStatus: status,
    message: `Provider ${providerName} failed mid-stream: ${truncate(message)}`,
  });
}

/** An upstream answer we cannot read as the protocol promised. */
export function upstreamInvalidResponse(providerName: string, status: number, detail: string, cause?: unknown): UpstreamError {
  return new UpstreamError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_invalid_response',
    upstreamStatus: status,
    message: `Provider ${providerName} sent an invalid response: ${truncate(detail)}`,
    cause,
  });
}

/**
 * A transport failure (connect, reset, timeout) as an UpstreamError. A client abort is returned
 * untouched (not the upstream's fault, and nobody is left to answer), as is an error that is
 * already mapped.
 */
export function upstreamTransportError(error: unknown, providerName: string, status: number, cancellation: { readonly aborted: boolean }): unknown {
  if (cancellation.aborted || error instanceof GatewayError) return error;
  const code = (error as { code?: unknown })?.code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamError({
      status: 504,
      type: 'timeout_error',
      code: 'upstream_timeout',
      upstreamStatus: 0,
      outcome: 'timeout',
      delivered: false,
      message: `Provider ${providerName} did not accept a connection within its connect timeout.`,
      cause: error,
    });
  }
  if (code === 'TOLLGATE_ADDRESS_FORBIDDEN') {
    // A team-owned provider pointed at a private address (address-guard.ts): nothing was sent.
    return new UpstreamError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_address_forbidden',
      upstreamStatus: 0,
      delivered: false,
      message: `Provider ${providerName} resolves to an address team-owned providers may not reach (only public addresses are allowed; the operator can allow a range with TOLLGATE_BYOK_ALLOWED_CIDRS).`,
      cause: error,
    });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamError({
      status: 504,
      type: 'timeout_error',
      code: 'upstream_timeout',
      upstreamStatus: status,
      outcome: 'timeout',
      message: `Provider ${providerName} did not answer in time.`,
      cause: error,
    });
  }
  return new UpstreamError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_unreachable',
    upstreamStatus: status,
    message: `Provider ${providerName} could not be reached or closed the connection.`,
    cause: error,
  });
}

/** Removes a secret (and its long fragments) from text an upstream may echo it in. */
export function redactSecret(text: string, secret: string | null): string {
  if (!secret || secret.length < 8) return text;
  let redacted = text.replaceAll(secret, '[redacted]');
  // Providers echo keys abbreviated (`sk-abc...xyz`): drop any 8+ char run of the key too.
  for (let i = 0; i + 8 <= secret.length; i += 4) redacted = redacted.replaceAll(secret.slice(i, i + 8), '[redacted]');
  return redacted;
}

/** Retry-After in whole seconds, when the upstream sent the delta-seconds form. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}
