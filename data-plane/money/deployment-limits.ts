import { ADMITTED, type AttemptAdmission, type AttemptHooks } from '../dispatch/attempt-hooks.ts';
import { RateLimitedError } from './money-errors.ts';
import type { MoneyGuard } from './money-guard.ts';
import { hasDeploymentLimits, requestBounds } from './plan-admission.ts';

/**
 * A deployment's own rpm / tpm / parallel, taken per attempt: an attempt on a deployment whose
 * limit is spent is skipped for the next deployment of the plan (not refused for the request),
 * and its slot is settled with the attempt's real tokens. A deployment without limits is
 * admitted at once, with no store call and nothing allocated.
 */
export function deploymentLimitHooks(money: MoneyGuard): AttemptHooks {
  return {
    beforeAttempt(context) {
      if (!hasDeploymentLimits(context.target)) return ADMITTED;
      // Markup and credits play no part in a token count.
      const rateTokens = () => requestBounds({ apiKey: context.apiKey, model: context.model, byok: true, request: context.request }).rateTokens;
      return money.admitAttempt(context.target, rateTokens).then(
        (ticket): AttemptAdmission => ({ admitted: true, settle: ticket ? (event) => ticket.settle(event) : undefined }),
        (error): AttemptAdmission => {
          if (error instanceof RateLimitedError) return { admitted: false, scope: 'deployment', error };
          throw error;
        },
      );
    },
  };
}
