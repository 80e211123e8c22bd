import { type FormEvent, useEffect, useRef } from 'react';
import { FieldInput, FieldSelect, FormError } from '../components/ui.tsx';
import { useAction } from '../components/use-action.ts';
import { graphql, MutationErrors } from '../graphql.ts';

const CreateDeployment = graphql(
  `mutation CreateDeployment($input: CreateDeploymentInput!) { createDeployment(input: $input) { __typename ... on MutationCreateDeploymentSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const UpdateDeployment = graphql(
  `mutation UpdateDeployment($input: UpdateDeploymentInput!) { updateDeployment(input: $input) { __typename ... on MutationUpdateDeploymentSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);

type Ms = number | null | undefined;
export interface EditableDeployment {
  id: string;
  upstreamModel: string;
  weight: number;
  limits: { rpm?: number | null; tpm?: number | null; maxParallel?: number | null };
  timeouts: { connectMs?: Ms; firstByteMs?: Ms; idleMs?: Ms; totalMs?: Ms };
}

const TIMEOUTS = [
  ['connectMs', 'Connect timeout (ms)'],
  ['firstByteMs', 'First byte timeout (ms)'],
  ['idleMs', 'Idle timeout (ms)'],
  ['totalMs', 'Total timeout (ms)'],
] as const;

/** Adds a deployment to a model on a chosen provider, or edits one (upstream model, weight, limits, timeouts). */
export function DeploymentForm(props: {
  model: { id: string; name: string };
  providers: { value: string; label: string }[];
  deployment?: EditableDeployment;
  onDone: (saved: boolean) => void;
}) {
  const { deployment } = props;
  const create = useAction(CreateDeployment);
  const update = useAction(UpdateDeployment);
  const action = deployment ? update : create;
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => (formRef.current?.querySelector('select, input') as HTMLElement | null)?.focus(), []);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    const int = (name: string) => {
      const text = String(values.get(name) ?? '').trim();
      return text === '' ? null : Number(text);
    };
    const common = {
      upstreamModel: String(values.get('upstreamModel') ?? '').trim(),
      weight: int('weight') ?? 1,
      limits: { rpm: int('rpm'), tpm: int('tpm'), maxParallel: deployment?.limits.maxParallel ?? null },
      timeouts: { connectMs: int('connectMs'), firstByteMs: int('firstByteMs'), idleMs: int('idleMs'), totalMs: int('totalMs') },
    };
    const saved = deployment
      ? await update.execute({ input: { id: deployment.id, ...common } })
      : await create.execute({ input: { modelId: props.model.id, providerId: String(values.get('providerId') ?? ''), ...common } });
    if (saved) props.onDone(true);
  }
  const title = deployment ? `Edit deployment ${deployment.upstreamModel} of ${props.model.name}` : `Add a deployment to ${props.model.name}`;
  const value = (n: Ms) => (n === null || n === undefined ? '' : String(n));
  return (
    <form ref={formRef} className="card" onSubmit={submit} aria-label={title} noValidate>
      <h3>{title}</h3>
      <div className="form-grid">
        {deployment ? null : <FieldSelect label="Deployment provider" name="providerId" options={props.providers} errors={action.errors} />}
        <FieldInput label="Upstream model" name="upstreamModel" required defaultValue={deployment?.upstreamModel} errors={action.errors} />
        <FieldInput
          label="Weight"
          name="weight"
          type="number"
          defaultValue={String(deployment?.weight ?? 1)}
          hint="0 takes it out of rotation"
          errors={action.errors}
        />
        <FieldInput
          label="Requests per minute"
          name="rpm"
          type="number"
          defaultValue={value(deployment?.limits.rpm)}
          hint="Empty: no limit"
          errors={action.errors}
        />
        <FieldInput
          label="Tokens per minute"
          name="tpm"
          type="number"
          defaultValue={value(deployment?.limits.tpm)}
          hint="Empty: no limit"
          errors={action.errors}
        />
        {TIMEOUTS.map(([name, label]) => (
          <FieldInput
            key={name}
            label={label}
            name={name}
            type="number"
            defaultValue={value(deployment?.timeouts[name])}
            hint="Empty: default"
            errors={action.errors}
          />
        ))}
      </div>
      <FormError errors={action.errors} />
      <div className="row">
        <button type="submit">{deployment ? 'Save' : 'Add deployment'}</button>
        <button type="button" className="secondary" onClick={() => props.onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
