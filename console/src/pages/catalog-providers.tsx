import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { DangerButton, FieldInput, FieldSelect, FormError, QueryError } from '../components/ui.tsx';
import { firstError, useAction } from '../components/use-action.ts';
import { graphql, MutationErrors } from '../graphql.ts';
import { useAccess } from '../viewer.tsx';

export const ProvidersQuery = graphql(
  `query Providers { providers(first: 25) { edges { node { id name kind baseUrl apiVersion region hasCredential team { id name } deployments { id } } } } }`,
);
const CreateProvider = graphql(
  `mutation CreateProvider($input: CreateProviderInput!) { createProvider(input: $input) { __typename ... on MutationCreateProviderSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const UpdateProvider = graphql(
  `mutation UpdateProvider($input: UpdateProviderInput!) { updateProvider(input: $input) { __typename ... on MutationUpdateProviderSuccess { data { id hasCredential } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteProvider = graphql(
  `mutation DeleteProvider($id: ID!) { deleteProvider(id: $id) { __typename ... on MutationDeleteProviderSuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);

const KINDS = ['MOCK', 'OPENAI', 'OPENAI_COMPATIBLE', 'AZURE_OPENAI', 'ANTHROPIC', 'GEMINI', 'MISTRAL', 'COHERE', 'BEDROCK', 'VERTEX'] as const;

/** Providers: credentials are write-only (the API answers only `hasCredential`). */
export function ProvidersSection() {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: ProvidersQuery });
  const create = useAction(CreateProvider);
  const update = useAction(UpdateProvider);
  const remove = useAction(DeleteProvider);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const [editing, setEditing] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const text = (name: string) => String(values.get(name) ?? '').trim() || undefined;
    const preset = text('preset');
    const created = await create.execute({
      input: {
        name: String(values.get('name') ?? ''),
        preset,
        kind: preset ? undefined : (String(values.get('kind')) as (typeof KINDS)[number]),
        baseUrl: text('baseUrl'),
        apiKey: text('apiKey'),
        apiVersion: text('apiVersion'),
        region: text('region'),
        teamId: access.isAdmin ? undefined : access.viewer.team?.id,
      },
    });
    if (created) {
      form.reset();
      reload();
    }
  }
  const rowError = firstError(update.errors) ?? firstError(remove.errors);
  return (
    <section aria-labelledby="providers-title">
      <h2 id="providers-title">Providers</h2>
      {access.canManageTeam ? (
        <form className="card" onSubmit={submit} aria-label="Create a provider" noValidate>
          <div className="form-grid">
            <FieldInput label="Provider name" name="name" required errors={create.errors} />
            <FieldSelect
              label="Kind"
              name="kind"
              defaultValue="MOCK"
              options={KINDS.map((kind) => ({ value: kind, label: kind.toLowerCase().replace('_', '-') }))}
              errors={create.errors}
            />
            <FieldInput label="Preset" name="preset" hint="openai, anthropic, gemini, groq… (fills kind and URL)" errors={create.errors} />
            <FieldInput label="Base URL" name="baseUrl" placeholder="mock:// or https://…" errors={create.errors} />
            <FieldInput label="Provider API key" name="apiKey" type="password" hint="Stored encrypted, never shown again" errors={create.errors} />
            <FieldInput label="API version" name="apiVersion" hint="Azure only" errors={create.errors} />
            <FieldInput label="Region" name="region" hint="Bedrock: us-east-1; Vertex: us-central1" errors={create.errors} />
          </div>
          <FormError errors={create.errors} />
          <button type="submit">Create provider</button>
        </form>
      ) : null}
      {data?.providers.edges
        .filter(({ node }) => access.canManageTeam && node.id === editing)
        .map(({ node }) => (
          <ProviderEditForm
            key={node.id}
            provider={node}
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
        <table aria-label="Providers">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Base URL</th>
              <th>Credential</th>
              <th>Owner</th>
              <th>Deployments</th>
              {access.canManageTeam ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {data?.providers.edges.map(({ node: provider }) => (
              <tr key={provider.id}>
                <td>{provider.name}</td>
                <td>{provider.kind.toLowerCase()}</td>
                <td>{provider.baseUrl ?? '—'}</td>
                <td>{provider.hasCredential ? 'set (write-only)' : 'none'}</td>
                <td>{provider.team?.name ?? 'platform'}</td>
                <td>{provider.deployments.length}</td>
                {access.canManageTeam ? (
                  <td className="row">
                    <button type="button" className="secondary" aria-label={`Edit provider ${provider.name}`} onClick={() => setEditing(provider.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Replace the credential of ${provider.name}`}
                      onClick={async () => {
                        const apiKey = window.prompt(`New API key for ${provider.name} (stored encrypted, never shown):`);
                        if (!apiKey) return;
                        await update.execute({ input: { id: provider.id, apiKey } });
                        reload();
                      }}
                    >
                      Set key
                    </button>
                    <DangerButton
                      label={`Delete provider ${provider.name}`}
                      question={`Delete ${provider.name}?`}
                      run={() => remove.execute({ id: provider.id })}
                      reload={reload}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface EditableProvider {
  id: string;
  name: string;
  kind: string;
  baseUrl?: string | null;
  apiVersion?: string | null;
  region?: string | null;
}

/** Name, base URL, API version, region and (write-only) credential of an existing provider. */
function ProviderEditForm({ provider, onDone }: { provider: EditableProvider; onDone: (saved: boolean) => void }) {
  const save = useAction(UpdateProvider);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => formRef.current?.querySelector('input')?.focus(), []);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    const text = (name: string) => String(values.get(name) ?? '').trim();
    const saved = await save.execute({
      input: {
        id: provider.id,
        name: text('name'),
        baseUrl: text('baseUrl') || undefined,
        apiVersion: text('apiVersion') || undefined,
        region: text('region') || undefined,
        apiKey: text('apiKey') || undefined,
      },
    });
    if (saved) onDone(true);
  }
  return (
    <form ref={formRef} className="card" onSubmit={submit} aria-label={`Edit provider ${provider.name}`} noValidate>
      <h3>Edit {provider.name}</h3>
      <div className="form-grid">
        <FieldInput label="Name" name="name" required defaultValue={provider.name} errors={save.errors} />
        <FieldInput label="Base URL" name="baseUrl" defaultValue={provider.baseUrl ?? ''} placeholder="mock:// or https://…" errors={save.errors} />
        <FieldInput label="API version" name="apiVersion" defaultValue={provider.apiVersion ?? ''} hint="Azure only" errors={save.errors} />
        <FieldInput label="Region" name="region" defaultValue={provider.region ?? ''} hint="Bedrock and Vertex" errors={save.errors} />
        <FieldInput label="New provider API key" name="apiKey" type="password" hint="Empty: keep the stored one (never shown)" errors={save.errors} />
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
