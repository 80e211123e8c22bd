import type { Admission, BudgetCheck, RateCheck } from './money-store.ts';

/** The checks of one admission that live in one counter group (one Redis Cluster slot). */
export interface AdmissionPart {
  /** The counter group; '' when the admission is not split (one Redis server). */
  group: string;
  rates: readonly RateCheck[];
  budgets: readonly BudgetCheck[];
}

/**
 * Splits an admission by counter group, in the order the groups first appear (the key's and
 * team's counters come first, then the deployment's, then a model's budget). Unsplit: one part
 * holding every check (the admission's own arrays, not copies), as one atomic script on one
 * server takes them.
 */
export function admissionParts(admission: Admission, split: boolean): AdmissionPart[] {
  if (!split) return [{ group: '', rates: admission.rates, budgets: admission.budgets }];
  const parts = new Map<string, { group: string; rates: RateCheck[]; budgets: BudgetCheck[] }>();
  const partOf = (check: RateCheck | BudgetCheck) => {
    // A check without a group is a group of its own: correct, only slower (one more script call).
    const group = check.group ?? check.counter;
    let part = parts.get(group);
    if (!part) parts.set(group, (part = { group, rates: [], budgets: [] }));
    return part;
  };
  for (const check of admission.rates) partOf(check).rates.push(check);
  for (const check of admission.budgets) partOf(check).budgets.push(check);
  return [...parts.values()];
}
