import type { AttemptHooks } from '../dispatch/attempt-hooks.ts';
import { RateLimitedError } from './money-errors.ts';
import type { MoneyGuard } from './money-guard.ts';
import { requestBounds } from './plan-admission.ts';

/**
 * A deployment's own rpm / tpm / parallel, taken per attempt: an attempt on a deployment whose
 * limit is spent is skipped for the next deployment of the plan (not refused for the request),
 * and its slot is settled with the attempt's real tokens. Deployments without limits cost no
 * store call.
 */
export function deploymentLimitHooks(money: MoneyGuard): AttemptHooks {
  return {
    async beforeAttempt(context) {
      // Markup and credits play no part in a token count.
      const rateTokens = () => requestBounds({ apiKey: context.apiKey, model: context.model, byok: true, request: context.request }).rateTokens;
      try {
        const ticket = await money.admitAttempt(context.target, rateTokens);
        return { admitted: true, settle: ticket ? (event) => ticket.settle(event) : undefined };
      } catch (error) {
        if (error instanceof RateLimitedError) return { admitted: false, scope: 'deployment', error };
        throw error;
      }
    },
  };
}
