import type { OpenAIErrorBody } from '../../shared/openai/error-body.ts';

/** The broad families of the OpenAI error body's `type`. */
export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  /** OpenAI's rate-limit 429s name the exhausted dimension as the type. */
  | 'requests'
  | 'tokens'
  | 'insufficient_quota'
  | 'upstream_error'
  | 'timeout_error'
  | 'service_unavailable'
  | 'internal_error';

export interface GatewayErrorInit {
  status: number;
  type: GatewayErrorType;
  code: string;
  message: string;
  param?: string | null;
  /** Seconds, sent as `retry-after` when set. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * The data plane's one error family. Anything thrown on the request path is either one of these
 * or becomes `internalError()`; http/ renders it once, at the edge, as the OpenAI error body
 * (JSON, or a final SSE event once streaming started).
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: GatewayErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: GatewayErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = 'GatewayError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * A failed upstream attempt, as mapped by a provider adapter. Carries what the usage event needs:
 * the status the upstream answered (0 when none arrived) and whether it was a timeout.
 */
export class UpstreamError extends GatewayError {
  readonly upstreamStatus: number;
  readonly outcome: 'upstream_error' | 'timeout';
  /**
   * False when the request never reached the provider (no connection was made): whatever the
   * outcome, the attempt did no billable work and its usage event counts zero tokens.
   */
  readonly delivered: boolean;

  constructor(init: GatewayErrorInit & { upstreamStatus: number; outcome?: 'upstream_error' | 'timeout'; delivered?: boolean }) {
    super(init);
    this.name = 'UpstreamError';
    this.upstreamStatus = init.upstreamStatus;
    this.outcome = init.outcome ?? 'upstream_error';
    this.delivered = init.delivered ?? true;
  }
}

/** Whatever was thrown, as a GatewayError; unknown errors become a 500 that keeps the cause. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError({
    status: 500,
    type: 'internal_error',
    code: 'internal_error',
    message: 'The gateway failed to handle the request.',
    cause: error,
  });
}
