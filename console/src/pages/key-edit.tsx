import { type FormEvent, useEffect, useRef } from 'react';
import { FieldInput, FormError } from '../components/ui.tsx';
import { useAction } from '../components/use-action.ts';
import { graphql, MutationErrors } from '../graphql.ts';

const EditKey = graphql(
  `mutation EditKey($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { __typename ... on MutationUpdateApiKeySuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);

export interface EditableKey {
  id: string;
  name: string;
  allowedModels: readonly string[];
  expiresAt?: string | null;
  metadata?: unknown;
  limits: { rpm?: number | null; tpm?: number | null; maxParallel?: number | null };
}

const optionalInt = (value: FormDataEntryValue | null) => {
  const text = String(value ?? '').trim();
  return text === '' ? null : Number(text);
};

/** Edits a key's name, models, rpm/tpm, expiry and metadata after creation (budgets: Budgets & credits). */
export function KeyEditForm({ apiKey, onDone }: { apiKey: EditableKey; onDone: (saved: boolean) => void }) {
  const save = useAction(EditKey);
  const formRef = useRef<HTMLFormElement>(null);
  // Opened from a row's Edit button: the keyboard lands in the form.
  useEffect(() => formRef.current?.querySelector('input')?.focus(), []);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    let metadata: unknown = null;
    try {
      const text = String(values.get('metadata') ?? '').trim();
      metadata = text ? JSON.parse(text) : null;
    } catch {
      return save.setErrors({ fields: { metadata: 'Metadata must be a JSON object, e.g. {"app": "search"}' } });
    }
    const expires = String(values.get('expiresAt') ?? '');
    const saved = await save.execute({
      input: {
        id: apiKey.id,
        name: String(values.get('name') ?? ''),
        allowedModels: String(values.get('allowedModels') ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        limits: { rpm: optionalInt(values.get('rpm')), tpm: optionalInt(values.get('tpm')), maxParallel: apiKey.limits.maxParallel ?? null },
        expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null,
        metadata,
      },
    });
    if (saved) onDone(true);
  }
  return (
    <form ref={formRef} className="card" onSubmit={submit} aria-label={`Edit ${apiKey.name}`} noValidate>
      <h2>Edit {apiKey.name}</h2>
      <div className="form-grid">
        <FieldInput label="Name" name="name" required defaultValue={apiKey.name} errors={save.errors} />
        <FieldInput
          label="Allowed models"
          name="allowedModels"
          defaultValue={apiKey.allowedModels.join(', ')}
          hint="Comma-separated; empty: every model of the plan"
          errors={save.errors}
        />
        <FieldInput
          label="Requests per minute"
          name="rpm"
          type="number"
          defaultValue={String(apiKey.limits.rpm ?? '')}
          hint="Empty: no limit"
          errors={save.errors}
        />
        <FieldInput
          label="Tokens per minute"
          name="tpm"
          type="number"
          defaultValue={String(apiKey.limits.tpm ?? '')}
          hint="Empty: no limit"
          errors={save.errors}
        />
        <FieldInput label="Expires on" name="expiresAt" type="date" defaultValue={apiKey.expiresAt ? apiKey.expiresAt.slice(0, 10) : ''} errors={save.errors} />
        <FieldInput
          label="Metadata (JSON)"
          name="metadata"
          defaultValue={apiKey.metadata ? JSON.stringify(apiKey.metadata) : ''}
          placeholder='{"app": "search"}'
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
