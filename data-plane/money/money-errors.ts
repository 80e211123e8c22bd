import { GatewayError } from '../errors/gateway-error.ts';
import type { BudgetCheck, RateCheck } from './money-store.ts';

const WHAT: Record<RateCheck['kind'], string> = {
  rpm: 'requests per min (RPM)',
  tpm: 'tokens per min (TPM)',
  parallel: 'parallel requests',
};

/** A 429 that carries the x-ratelimit-* headers of the counters it was measured on, and whose limit it was. */
export class RateLimitedError extends GatewayError {
  constructor(
    init: ConstructorParameters<typeof GatewayError>[0],
    readonly headers: readonly [string, string][],
    readonly scope: RateCheck['scope'],
  ) {
    super(init);
  }
}

/** 429 `rate_limit_exceeded`, worded like OpenAI's, with retry-after. */
export function rateLimited(check: RateCheck, retryAfterMs: number, headers: readonly [string, string][] = []): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new RateLimitedError(
    {
      status: 429,
      type: check.kind === 'tpm' ? 'tokens' : 'requests',
      code: 'rate_limit_exceeded',
      message: `Rate limit reached for ${check.scope} on ${WHAT[check.kind]}: Limit ${check.limit}. Please try again in ${seconds}s.`,
      retryAfterSeconds: seconds,
    },
    headers,
    check.scope,
  );
}

/** A 429 `insufficient_quota`; `draws` tells a spent budget (`all`) from spent prepaid credits. */
export class QuotaExhaustedError extends GatewayError {
  constructor(
    init: ConstructorParameters<typeof GatewayError>[0],
    readonly draws: BudgetCheck['draws'],
  ) {
    super(init);
  }
}

/** 429 `insufficient_quota`, naming the budget (or the credits) that is exhausted. */
export function insufficientQuota(check: BudgetCheck): QuotaExhaustedError {
  const what = check.draws === 'credits' ? `The ${check.label} are exhausted` : `The hard ${check.label} is exhausted`;
  return new QuotaExhaustedError(
    {
      status: 429,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: `${what}: this request may cost up to ${check.amount} micro-USD and the limit is ${check.limit} micro-USD.`,
    },
    check.draws,
  );
}
