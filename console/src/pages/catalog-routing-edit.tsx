import { type FormEvent, type ReactNode, useEffect, useRef } from 'react';
import { FieldInput, FieldSelect, FormError, type FormErrors } from '../components/ui.tsx';
import { useAction } from '../components/use-action.ts';
import { graphql, MutationErrors } from '../graphql.ts';

const UpdateChain = graphql(
  `mutation UpdateChain($input: UpdateFallbackChainInput!) { updateFallbackChain(input: $input) { __typename ... on MutationUpdateFallbackChainSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const UpdateProfile = graphql(
  `mutation UpdateProfile($input: UpdateRoutingProfileInput!) { updateRoutingProfile(input: $input) { __typename ... on MutationUpdateRoutingProfileSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);

export const TRIGGERS = ['RATE_LIMIT', 'SERVER_ERROR', 'TIMEOUT', 'CONTEXT_WINDOW', 'CONTENT_POLICY'] as const;
export const STRATEGIES = ['WEIGHTED', 'LATENCY', 'COST', 'LEAST_BUSY'] as const;

/** The trigger checkboxes of a fallback chain, with the API's error for `triggers` under them. */
export function TriggerFields({ checked, errors }: { checked: (trigger: string) => boolean; errors: FormErrors }) {
  return (
    <fieldset className="field">
      <legend>Triggers</legend>
      {TRIGGERS.map((trigger) => (
        <label key={trigger}>
          <input type="checkbox" name="triggers" value={trigger} defaultChecked={checked(trigger)} /> {trigger.toLowerCase().replace('_', ' ')}
        </label>
      ))}
      {errors.fields.triggers ? (
        <small className="field-error" role="alert">
          {errors.fields.triggers}
        </small>
      ) : null}
    </fieldset>
  );
}

function EditCard({
  title,
  errors,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  errors: FormErrors;
  onSubmit: (values: FormData) => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => (formRef.current?.querySelector('input, select') as HTMLElement | null)?.focus(), []);
  return (
    <form
      ref={formRef}
      className="card"
      aria-label={title}
      noValidate
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        onSubmit(new FormData(event.currentTarget));
      }}
    >
      <h3>{title}</h3>
      <div className="form-grid">{children}</div>
      <FormError errors={errors} />
      <div className="row">
        <button type="submit">Save</button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function ChainEditForm(props: {
  chain: { id: string; name: string; description?: string | null; triggers: readonly string[]; models: readonly { name: string }[] };
  onDone: (saved: boolean) => void;
}) {
  const { chain } = props;
  const save = useAction(UpdateChain);
  async function submit(values: FormData) {
    const saved = await save.execute({
      input: {
        id: chain.id,
        description: String(values.get('description') ?? ''),
        models: String(values.get('models') ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        triggers: values.getAll('triggers').map(String) as (typeof TRIGGERS)[number][],
      },
    });
    if (saved) props.onDone(true);
  }
  return (
    <EditCard title={`Edit chain ${chain.name}`} errors={save.errors} onSubmit={submit} onCancel={() => props.onDone(false)}>
      <FieldInput
        label="Models in order"
        name="models"
        defaultValue={chain.models.map((model) => model.name).join(', ')}
        hint="Comma-separated model names"
        errors={save.errors}
      />
      <FieldInput label="Description" name="description" defaultValue={chain.description ?? ''} errors={save.errors} />
      <TriggerFields checked={(trigger) => chain.triggers.includes(trigger)} errors={save.errors} />
    </EditCard>
  );
}

export function ProfileEditForm(props: {
  profile: { id: string; name: string; description?: string | null; strategy: string };
  onDone: (saved: boolean) => void;
}) {
  const { profile } = props;
  const save = useAction(UpdateProfile);
  async function submit(values: FormData) {
    const saved = await save.execute({
      input: { id: profile.id, strategy: String(values.get('strategy')) as (typeof STRATEGIES)[number], description: String(values.get('description') ?? '') },
    });
    if (saved) props.onDone(true);
  }
  return (
    <EditCard title={`Edit profile ${profile.name}`} errors={save.errors} onSubmit={submit} onCancel={() => props.onDone(false)}>
      <FieldSelect
        label="Strategy"
        name="strategy"
        defaultValue={profile.strategy}
        options={STRATEGIES.map((strategy) => ({ value: strategy, label: strategy.toLowerCase().replace('_', ' ') }))}
        errors={save.errors}
      />
      <FieldInput label="Description" name="description" defaultValue={profile.description ?? ''} errors={save.errors} />
    </EditCard>
  );
}
