import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { DangerButton, FieldInput, FieldSelect, FormError, PageHeader, QueryError } from '../components/ui.tsx';
import { firstError, useAction } from '../components/use-action.ts';
import { toMicroUsd, usd } from '../format.ts';
import { graphql, MutationErrors } from '../graphql.ts';
import { useAccess } from '../viewer.tsx';
import { PlanEditForm } from './plan-edit.tsx';

const PlansQuery = graphql(`
  query Plans { plans(first: 20) { edges { node { id name description allowedModels markupBasisPoints billing limits { rpm tpm maxParallel } budget { amount period hard } } } } }
`);
const CreatePlan = graphql(
  `mutation CreatePlan($input: CreatePlanInput!) { createPlan(input: $input) { __typename ... on MutationCreatePlanSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeletePlan = graphql(`mutation DeletePlan($id: ID!) { deletePlan(id: $id) { __typename ... on MutationDeletePlanSuccess { data } ...MutationErrors } }`, [
  MutationErrors,
]);
const SetTeamPlan = graphql(
  `mutation SetTeamPlan($teamId: ID!, $planId: ID) { setTeamPlan(teamId: $teamId, planId: $planId) { __typename ... on MutationSetTeamPlanSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);

const optionalInt = (value: FormDataEntryValue | null) => (String(value ?? '').trim() === '' ? undefined : Number(value));

/** Plans: models, limits, budget template, markup, billing (platform admin writes; a team sees its own). */
export function PlansPage() {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: PlansQuery });
  const create = useAction(CreatePlan);
  const remove = useAction(DeletePlan);
  const assign = useAction(SetTeamPlan);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const plans = data?.plans.edges.map((edge) => edge.node) ?? [];
  const [editing, setEditing] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    let budget;
    try {
      const amount = String(values.get('budget') ?? '').trim();
      budget = amount ? { amount: toMicroUsd(amount), period: 'MONTHLY' as const, hard: true } : undefined;
    } catch (problem) {
      return create.setErrors({ fields: { budget: (problem as Error).message } });
    }
    const created = await create.execute({
      input: {
        name: String(values.get('name') ?? ''),
        description: String(values.get('description') ?? '') || undefined,
        allowedModels: String(values.get('allowedModels') ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        limits: { rpm: optionalInt(values.get('rpm')), tpm: optionalInt(values.get('tpm')) },
        markupBasisPoints: optionalInt(values.get('markupBasisPoints')),
        billing: String(values.get('billing')) as 'POSTPAID' | 'PREPAID',
        budget,
      },
    });
    if (created) {
      form.reset();
      reload();
    }
  }
  async function submitAssign(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    await assign.execute({ teamId: String(values.get('teamId')), planId: String(values.get('planId')) || null });
  }
  const rowError = firstError(remove.errors);
  return (
    <>
      <PageHeader title="Plans" />
      {access.isAdmin ? (
        <form className="card" onSubmit={submit} aria-labelledby="create-plan-title" noValidate>
          <h2 id="create-plan-title">Create a plan</h2>
          <div className="form-grid">
            <FieldInput label="Plan name" name="name" required errors={create.errors} />
            <FieldInput label="Description" name="description" errors={create.errors} />
            <FieldInput label="Models" name="allowedModels" hint="Comma-separated; empty: every model" errors={create.errors} />
            <FieldInput label="Requests per minute" name="rpm" type="number" errors={create.errors} />
            <FieldInput label="Tokens per minute" name="tpm" type="number" errors={create.errors} />
            <FieldInput label="Markup (basis points)" name="markupBasisPoints" type="number" hint="100 = 1%" errors={create.errors} />
            <FieldInput label="Monthly hard budget per team (USD)" name="budget" errors={create.errors} />
            <FieldSelect
              label="Billing"
              name="billing"
              options={[
                { value: 'POSTPAID', label: 'postpaid' },
                { value: 'PREPAID', label: 'prepaid (credits)' },
              ]}
              errors={create.errors}
            />
          </div>
          <FormError errors={create.errors} />
          <button type="submit">Create plan</button>
        </form>
      ) : null}
      {plans
        .filter((plan) => access.isAdmin && plan.id === editing)
        .map((plan) => (
          <PlanEditForm
            key={plan.id}
            plan={plan}
            onDone={(saved) => {
              setEditing(null);
              if (saved) reload();
            }}
          />
        ))}
      <QueryError error={error} />
      {rowError ? (
        <p className="error" role="alert">
          {rowError}
        </p>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Plans">
          <thead>
            <tr>
              <th>Name</th>
              <th>Models</th>
              <th>Limits</th>
              <th>Budget</th>
              <th>Markup</th>
              <th>Billing</th>
              {access.isAdmin ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {plans.map((plan) => (
              <tr key={plan.id}>
                <td>
                  {plan.name}
                  <div className="meta">{plan.description}</div>
                </td>
                <td>{plan.allowedModels.join(', ') || 'every model'}</td>
                <td>
                  {plan.limits.rpm ?? '—'} rpm · {plan.limits.tpm ?? '—'} tpm
                </td>
                <td>{plan.budget ? `${usd(plan.budget.amount)} ${plan.budget.period.toLowerCase()}${plan.budget.hard ? ' (hard)' : ''}` : '—'}</td>
                <td>{(plan.markupBasisPoints / 100).toFixed(2)}%</td>
                <td>{plan.billing.toLowerCase()}</td>
                {access.isAdmin ? (
                  <td className="row">
                    <button type="button" className="secondary" aria-label={`Edit plan ${plan.name}`} onClick={() => setEditing(plan.id)}>
                      Edit
                    </button>
                    <DangerButton
                      label={`Delete plan ${plan.name}`}
                      question={`Delete ${plan.name}?`}
                      run={() => remove.execute({ id: plan.id })}
                      reload={reload}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {access.isAdmin ? (
        <form className="card" onSubmit={submitAssign} aria-labelledby="assign-title">
          <h2 id="assign-title">Put a team on a plan</h2>
          <div className="form-grid">
            <FieldSelect
              label="Team to assign"
              name="teamId"
              options={access.teams.map((team) => ({ value: team.id, label: team.name }))}
              errors={assign.errors}
            />
            <FieldSelect
              label="Plan to assign"
              name="planId"
              options={[{ value: '', label: 'no plan' }, ...plans.map((plan) => ({ value: plan.id, label: plan.name }))]}
              errors={assign.errors}
            />
          </div>
          <FormError errors={assign.errors} />
          <button type="submit">Assign</button>
        </form>
      ) : null}
    </>
  );
}
