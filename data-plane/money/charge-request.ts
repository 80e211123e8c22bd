import type { Exchange } from '../http/exchange.ts';
import type { UsagePublisher } from '../usage/usage-publisher.ts';
import { RateLimitedError } from './money-errors.ts';
import type { MoneyGuard, RequestTicket } from './money-guard.ts';
import type { AdmissionInput } from './plan-admission.ts';

/**
 * Wraps a request's upstream work in its money: admit (rate limits, budgets, credits; 429 when
 * refused) before, settle with the attempts' real cost after, whatever the ending. `run` gets
 * the publisher that counts each attempt's cost: pass it to dispatch as its `usage`. When the
 * admission is refused, `otherwise` may offer another way to serve the request (nothing has run
 * yet); it returns null to let the refusal stand.
 */
export async function chargeRequest(
  exchange: Exchange,
  guard: MoneyGuard,
  usage: UsagePublisher,
  input: Omit<AdmissionInput, 'admissionId' | 'now' | 'reservationTtlMs'>,
  /** `deploymentAdmitted`: see RequestTicket. */
  run: (usage: UsagePublisher, deploymentAdmitted: RequestTicket['deploymentAdmitted']) => Promise<void>,
  otherwise?: (refusal: unknown) => (() => Promise<void>) | null,
): Promise<void> {
  let ticket;
  try {
    ticket = await guard.admit(input);
  } catch (error) {
    const alternative = otherwise?.(error);
    if (alternative) return alternative();
    if (error instanceof RateLimitedError) for (const [name, value] of error.headers) exchange.setHeader(name, value);
    throw error;
  }
  for (const [name, value] of ticket.headers) exchange.setHeader(name, value);
  try {
    await run(ticket.meter(usage), ticket.deploymentAdmitted);
  } finally {
    ticket.settle();
  }
}
