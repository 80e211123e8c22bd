import { type FormEvent, useEffect, useRef } from 'react';
import { FieldInput, FieldSelect, FormError } from '../components/ui.tsx';
import { useAction } from '../components/use-action.ts';
import { toMicroUsd } from '../format.ts';
import { graphql, MutationErrors } from '../graphql.ts';

const UpdatePlan = graphql(
  `mutation UpdatePlan($input: UpdatePlanInput!) { updatePlan(input: $input) { __typename ... on MutationUpdatePlanSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);

export interface EditablePlan {
  id: string;
  name: string;
  description?: string | null;
  allowedModels: readonly string[];
  markupBasisPoints: number;
  billing: string;
  limits: { rpm?: number | null; tpm?: number | null; maxParallel?: number | null };
  budget?: { amount: string; period: string; hard: boolean } | null;
}

const optionalInt = (value: FormDataEntryValue | null) => (String(value ?? '').trim() === '' ? null : Number(value));
const dollars = (micro: string) => (Number(micro) / 1e6).toFixed(2);

/** Edits a plan; its budget is replaced only when the amount changes (period and hardness kept, monthly hard when new). */
export function PlanEditForm({ plan, onDone }: { plan: EditablePlan; onDone: (saved: boolean) => void }) {
  const save = useAction(UpdatePlan);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => formRef.current?.querySelector('input')?.focus(), []);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    const amount = String(values.get('budget') ?? '').trim();
    let budget;
    if (amount !== (plan.budget ? dollars(plan.budget.amount) : '')) {
      try {
        budget = amount ? { amount: toMicroUsd(amount), period: (plan.budget?.period ?? 'MONTHLY') as 'MONTHLY', hard: plan.budget?.hard ?? true } : null;
      } catch (problem) {
        return save.setErrors({ fields: { budget: (problem as Error).message } });
      }
    }
    const saved = await save.execute({
      input: {
        id: plan.id,
        description: String(values.get('description') ?? ''),
        allowedModels: String(values.get('allowedModels') ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        limits: { rpm: optionalInt(values.get('rpm')), tpm: optionalInt(values.get('tpm')), maxParallel: plan.limits.maxParallel ?? null },
        markupBasisPoints: optionalInt(values.get('markupBasisPoints')) ?? 0,
        billing: String(values.get('billing')) as 'POSTPAID' | 'PREPAID',
        budget,
      },
    });
    if (saved) onDone(true);
  }
  const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return (
    <form ref={formRef} className="card" onSubmit={submit} aria-label={`Edit plan ${plan.name}`} noValidate>
      <h2>Edit plan {plan.name}</h2>
      <div className="form-grid">
        <FieldInput label="Description" name="description" defaultValue={plan.description ?? ''} errors={save.errors} />
        <FieldInput
          label="Models"
          name="allowedModels"
          defaultValue={plan.allowedModels.join(', ')}
          hint="Comma-separated; empty: every model"
          errors={save.errors}
        />
        <FieldInput label="Requests per minute" name="rpm" type="number" defaultValue={text(plan.limits.rpm)} hint="Empty: no limit" errors={save.errors} />
        <FieldInput label="Tokens per minute" name="tpm" type="number" defaultValue={text(plan.limits.tpm)} hint="Empty: no limit" errors={save.errors} />
        <FieldInput
          label="Markup (basis points)"
          name="markupBasisPoints"
          type="number"
          defaultValue={String(plan.markupBasisPoints)}
          hint="100 = 1%"
          errors={save.errors}
        />
        <FieldInput
          label={`Budget per team (USD, ${(plan.budget?.period ?? 'monthly').toLowerCase()})`}
          name="budget"
          defaultValue={plan.budget ? dollars(plan.budget.amount) : ''}
          hint="Empty: no plan budget"
          errors={save.errors}
        />
        <FieldSelect
          label="Billing"
          name="billing"
          defaultValue={plan.billing}
          options={[
            { value: 'POSTPAID', label: 'postpaid' },
            { value: 'PREPAID', label: 'prepaid (credits)' },
          ]}
          errors={save.errors}
        />
      </div>
      <FormError errors={save.errors} />
      <div className="row">
        <button type="submit">Save</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
