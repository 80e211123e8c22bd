import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { FieldInput, FieldSelect, FormError, type FormErrors, formErrors, PageHeader, QueryError, SecretOnce } from '../components/ui.tsx';
import { toMicroUsd, when } from '../format.ts';
import { graphql, MutationErrors, readFragment } from '../graphql.ts';
import { rememberSecret } from '../secrets.ts';
import { TeamGate, TeamPicker, useAccess, useSelectedTeamId } from '../viewer.tsx';
import { KeyEditForm } from './key-edit.tsx';

const KeyFields = graphql(`
  fragment KeyFields on ApiKey {
    id name prefix status blocked allowedModels expiresAt lastUsedAt createdAt revokedAt previousSecretExpiresAt metadata
    limits { rpm tpm maxParallel }
    budgets { id amount period hard }
  }
`);

const KeysQuery = graphql(`query Keys($teamId: ID!) { apiKeys(teamId: $teamId, first: 15) { edges { node { ...KeyFields } } } }`, [KeyFields]);

const CreateKey = graphql(
  `mutation CreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on MutationCreateApiKeySuccess { data { secret apiKey { ...KeyFields } } }
      ...MutationErrors
    }
  }`,
  [KeyFields, MutationErrors],
);
const RotateKey = graphql(
  `mutation RotateKey($id: ID!) {
    rotateApiKey(id: $id, gracePeriodSeconds: 0) {
      __typename
      ... on MutationRotateApiKeySuccess { data { secret apiKey { ...KeyFields } } }
      ...MutationErrors
    }
  }`,
  [KeyFields, MutationErrors],
);
const RevokeKey = graphql(
  `mutation RevokeKey($id: ID!) { revokeApiKey(id: $id) { __typename ... on MutationRevokeApiKeySuccess { data { ...KeyFields } } ...MutationErrors } }`,
  [KeyFields, MutationErrors],
);
const UpdateKey = graphql(
  `mutation UpdateKey($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { __typename ... on MutationUpdateApiKeySuccess { data { ...KeyFields } } ...MutationErrors } }`,
  [KeyFields, MutationErrors],
);

export function KeysPage() {
  const teamId = useSelectedTeamId();
  return (
    <>
      <PageHeader title="API keys">
        <TeamPicker />
      </PageHeader>
      <TeamGate teamId={teamId}>{(team) => <TeamKeys key={team.id} teamId={team.id} />}</TeamGate>
    </>
  );
}

function optionalInt(value: FormDataEntryValue | null): number | undefined {
  const text = String(value ?? '').trim();
  return text === '' ? undefined : Number(text);
}

function TeamKeys({ teamId }: { teamId: string }) {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: KeysQuery, variables: { teamId } });
  const [, createKey] = useMutation(CreateKey);
  const [, rotateKey] = useMutation(RotateKey);
  const [, revokeKey] = useMutation(RevokeKey);
  const [, updateKey] = useMutation(UpdateKey);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [actionError, setActionError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const keys = data?.apiKeys.edges.map((edge) => readFragment(KeyFields, edge.node)) ?? [];

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const local: FormErrors = { fields: {} };
    let metadata: unknown;
    let budget: { amount: string; period: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'TOTAL'; hard: boolean } | undefined;
    try {
      const text = String(form.get('metadata') ?? '').trim();
      metadata = text ? JSON.parse(text) : undefined;
    } catch {
      local.fields.metadata = 'Metadata must be a JSON object, e.g. {"app": "search"}';
    }
    try {
      const amount = String(form.get('budget') ?? '').trim();
      if (amount) budget = { amount: toMicroUsd(amount), period: String(form.get('budgetPeriod')) as 'MONTHLY', hard: form.get('budgetHard') === 'on' };
    } catch (problem) {
      local.fields.budget = (problem as Error).message;
    }
    if (Object.keys(local.fields).length) return setErrors(local);
    const models = String(form.get('allowedModels') ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const expires = String(form.get('expiresAt') ?? '');
    const result = await createKey({
      input: {
        teamId,
        name: String(form.get('name') ?? ''),
        allowedModels: models.length ? models : undefined,
        limits: { rpm: optionalInt(form.get('rpm')), tpm: optionalInt(form.get('tpm')) },
        budget,
        expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : undefined,
        metadata,
      },
    });
    const payload = result.data?.createApiKey;
    const found = formErrors(payload ? readFragment(MutationErrors, payload as never) : null, result.error);
    setErrors(found);
    if (payload?.__typename === 'MutationCreateApiKeySuccess') {
      rememberSecret(readFragment(KeyFields, payload.data.apiKey).name, payload.data.secret);
      setSecret({ label: `Secret of ${readFragment(KeyFields, payload.data.apiKey).name}`, value: payload.data.secret });
      formElement.reset();
      refetch({ requestPolicy: 'network-only' });
    }
  }

  async function act(kind: 'rotate' | 'revoke' | 'block' | 'unblock', id: string, name: string) {
    setActionError(null);
    if (kind === 'revoke' && !window.confirm(`Revoke ${name} for good? Requests with it are refused within seconds.`)) return;
    const result =
      kind === 'rotate' ? await rotateKey({ id }) : kind === 'revoke' ? await revokeKey({ id }) : await updateKey({ input: { id, blocked: kind === 'block' } });
    const payload = (result.data as Record<string, { __typename: string } | undefined> | undefined)?.[
      kind === 'rotate' ? 'rotateApiKey' : kind === 'revoke' ? 'revokeApiKey' : 'updateApiKey'
    ];
    const found = formErrors(payload ? readFragment(MutationErrors, payload as never) : null, result.error);
    if (found.form || Object.keys(found.fields).length) setActionError(found.form ?? Object.values(found.fields)[0]);
    if (kind === 'rotate' && payload?.__typename === 'MutationRotateApiKeySuccess') {
      const rotated = (payload as unknown as { data: { secret: string } }).data.secret;
      rememberSecret(name, rotated);
      setSecret({ label: `New secret of ${name}`, value: rotated });
    }
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <>
      {secret ? <SecretOnce label={secret.label} secret={secret.value} onDone={() => setSecret(null)} /> : null}
      {access.canWrite ? (
        <form className="card" onSubmit={create} aria-labelledby="create-key-title" noValidate>
          <h2 id="create-key-title">Create a key</h2>
          <div className="form-grid">
            <FieldInput label="Name" name="name" required errors={errors} />
            <FieldInput label="Allowed models" name="allowedModels" hint="Comma-separated; empty: every model of the plan" errors={errors} />
            <FieldInput label="Requests per minute" name="rpm" type="number" errors={errors} />
            <FieldInput label="Tokens per minute" name="tpm" type="number" errors={errors} />
            <FieldInput label="Budget (USD)" name="budget" hint="Optional, e.g. 25.00" errors={errors} />
            <FieldSelect
              label="Budget period"
              name="budgetPeriod"
              defaultValue="MONTHLY"
              options={['DAILY', 'WEEKLY', 'MONTHLY', 'TOTAL'].map((value) => ({ value, label: value.toLowerCase() }))}
            />
            <div className="field">
              <label>
                <input type="checkbox" name="budgetHard" defaultChecked /> Hard budget (refuse when spent)
              </label>
            </div>
            <FieldInput label="Expires on" name="expiresAt" type="date" errors={errors} />
            <FieldInput label="Metadata (JSON)" name="metadata" placeholder='{"app": "search"}' errors={errors} />
          </div>
          <FormError errors={errors} />
          <button type="submit">Create key</button>
        </form>
      ) : null}
      {editing && access.canWrite
        ? keys
            .filter((key) => key.id === editing)
            .map((key) => (
              <KeyEditForm
                key={key.id}
                apiKey={key}
                onDone={(saved) => {
                  setEditing(null);
                  if (saved) refetch({ requestPolicy: 'network-only' });
                }}
              />
            ))
        : null}
      <QueryError error={error} />
      {actionError ? (
        <p className="error" role="alert">
          {actionError}
        </p>
      ) : null}
      <div className="table-wrap">
        <table aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Status</th>
              <th>Models</th>
              <th>Limits</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>Metadata</th>
              {access.canWrite ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} data-testid={`key-${key.name}`}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>
                  <span className={`badge ${key.status}`}>{key.status.toLowerCase()}</span>
                </td>
                <td>{key.allowedModels.length ? key.allowedModels.join(', ') : 'plan'}</td>
                <td>
                  {key.limits.rpm ?? '—'} rpm · {key.limits.tpm ?? '—'} tpm
                  {key.budgets.map((budget) => (
                    <div key={budget.id}>
                      budget ${(Number(budget.amount) / 1e6).toFixed(2)} {budget.period.toLowerCase()}
                      {budget.hard ? ' (hard)' : ''}
                    </div>
                  ))}
                </td>
                <td>{when(key.expiresAt)}</td>
                <td>{when(key.lastUsedAt)}</td>
                <td>{key.metadata ? <code>{JSON.stringify(key.metadata)}</code> : '—'}</td>
                {access.canWrite ? (
                  <td>
                    {key.status === 'REVOKED' ? null : (
                      <div className="row">
                        <button type="button" className="secondary" onClick={() => setEditing(key.id)} aria-label={`Edit ${key.name}`}>
                          Edit
                        </button>
                        <button type="button" className="secondary" onClick={() => act('rotate', key.id, key.name)} aria-label={`Rotate ${key.name}`}>
                          Rotate
                        </button>
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => act(key.blocked ? 'unblock' : 'block', key.id, key.name)}
                          aria-label={`${key.blocked ? 'Unblock' : 'Block'} ${key.name}`}
                        >
                          {key.blocked ? 'Unblock' : 'Block'}
                        </button>
                        <button type="button" className="danger" onClick={() => act('revoke', key.id, key.name)} aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </button>
                      </div>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && keys.length === 0 ? <p className="empty">No keys yet.</p> : null}
    </>
  );
}
