import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { FieldInput, FieldSelect, FormError, PageHeader, QueryError } from '../components/ui.tsx';
import { useAction } from '../components/use-action.ts';
import { graphql, MutationErrors, type ResultOf } from '../graphql.ts';
import { TeamGate, TeamPicker, useAccess, useSelectedTeamId } from '../viewer.tsx';

const GuardrailsQuery = graphql(`
  query TeamGuardrails($teamId: ID!) {
    guardrails(teamId: $teamId) {
      id name kind stage streamMode denyKeywords denyPatterns piiEntities piiAction maxPromptTokens imageModels webhookUrl webhookTimeoutMs webhookFailOpen
    }
    cachePolicies(teamId: $teamId, scope: TEAM, first: 1) { edges { node { id ttlSeconds enabled deterministicOnly } } }
  }
`);
const CreateGuardrail = graphql(
  `mutation CreateGuardrail($input: CreateGuardrailInput!) { createGuardrail(input: $input) { __typename ... on MutationCreateGuardrailSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteGuardrail = graphql(
  `mutation DeleteGuardrail($id: ID!) { deleteGuardrail(id: $id) { __typename ... on MutationDeleteGuardrailSuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);
const SetCachePolicy = graphql(
  `mutation SetTeamCachePolicy($input: SetCachePolicyInput!) { setCachePolicy(input: $input) { __typename ... on MutationSetCachePolicySuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteCachePolicy = graphql(
  `mutation DeleteTeamCachePolicy($id: ID!) { deleteCachePolicy(id: $id) { __typename ... on MutationDeleteCachePolicySuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);

type Guardrail = ResultOf<typeof GuardrailsQuery>['guardrails'][number];
type Kind = Guardrail['kind'];

const KINDS: { value: Kind; label: string }[] = [
  { value: 'DENY_LIST', label: 'Deny list (keywords, patterns)' },
  { value: 'PII', label: 'Personal data (mask or block)' },
  { value: 'MAX_PROMPT_TOKENS', label: 'Prompt size' },
  { value: 'IMAGE_MODELS', label: 'Models that may receive images' },
  { value: 'WEBHOOK', label: 'Webhook' },
];
const PII_ENTITIES = ['EMAIL', 'PHONE', 'CARD', 'IBAN', 'API_KEY'] as const;

/** A team's guardrails (docs/guardrails.md) and its response-cache policy (docs/cache.md). */
export function GuardrailsPage() {
  const teamId = useSelectedTeamId();
  return (
    <>
      <PageHeader title="Guardrails and cache">
        <TeamPicker />
      </PageHeader>
      <TeamGate teamId={teamId}>{(team) => <TeamGuardrails key={team.id} teamId={team.id} />}</TeamGate>
    </>
  );
}

function TeamGuardrails({ teamId }: { teamId: string }) {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: GuardrailsQuery, variables: { teamId } });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const remove = useAction(DeleteGuardrail);
  const guardrails = data?.guardrails ?? [];
  const policy = data?.cachePolicies.edges[0]?.node ?? null;

  return (
    <>
      <QueryError error={error} />
      <h2>Guardrails</h2>
      <p className="hint">The team's own checks, on top of those of its plan. Plan guardrails are set by the platform admin.</p>
      <FormError errors={remove.errors} />
      <div className="table-wrap">
        <table aria-label="Guardrails">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Stage</th>
              <th>Streams</th>
              <th>Settings</th>
              {access.canManageTeam ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {guardrails.map((rail) => (
              <tr key={rail.id} data-testid={`guardrail-${rail.name}`}>
                <td>{rail.name}</td>
                <td>{rail.kind.toLowerCase().replaceAll('_', ' ')}</td>
                <td>{rail.stage.toLowerCase()}</td>
                <td>{rail.streamMode.toLowerCase()}</td>
                <td>{settingsOf(rail)}</td>
                {access.canManageTeam ? (
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete ${rail.name}`}
                      onClick={async () => {
                        if (await remove.execute({ id: rail.id })) reload();
                      }}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && guardrails.length === 0 ? <p className="empty">No guardrails on this team.</p> : null}
      {access.canManageTeam ? <CreateGuardrailForm teamId={teamId} onCreated={reload} /> : null}
      <h2>Response cache</h2>
      <CachePolicyForm teamId={teamId} policy={policy} canEdit={access.canManageTeam} onChanged={reload} />
    </>
  );
}

function settingsOf(rail: Guardrail): string {
  switch (rail.kind) {
    case 'DENY_LIST':
      return [...(rail.denyKeywords ?? []), ...(rail.denyPatterns ?? []).map((pattern) => `/${pattern}/`)].join(', ');
    case 'PII':
      return `${(rail.piiAction ?? 'MASK').toLowerCase()} ${(rail.piiEntities ?? []).map((entity) => entity.toLowerCase()).join(', ')}`;
    case 'MAX_PROMPT_TOKENS':
      return `at most ${rail.maxPromptTokens} prompt tokens`;
    case 'IMAGE_MODELS':
      return (rail.imageModels ?? []).join(', ') || 'no model';
    case 'WEBHOOK':
      return `${rail.webhookUrl} (${rail.webhookTimeoutMs} ms, ${rail.webhookFailOpen ? 'fails open' : 'fails closed'})`;
  }
}

const listOf = (value: FormDataEntryValue | null, separator: RegExp) =>
  String(value ?? '')
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);

function CreateGuardrailForm({ teamId, onCreated }: { teamId: string; onCreated: () => void }) {
  const [kind, setKind] = useState<Kind>('DENY_LIST');
  const create = useAction(CreateGuardrail);
  const errors = create.errors;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const number = (name: string) => (values.get(name) ? Number(values.get(name)) : undefined);
    const settings = {
      DENY_LIST: { denyKeywords: listOf(values.get('denyKeywords'), /,/), denyPatterns: listOf(values.get('denyPatterns'), /\n/) },
      PII: { piiEntities: PII_ENTITIES.filter((entity) => values.get(`pii-${entity}`) === 'on'), piiAction: String(values.get('piiAction')) as 'MASK' },
      MAX_PROMPT_TOKENS: { maxPromptTokens: number('maxPromptTokens') },
      IMAGE_MODELS: { imageModels: listOf(values.get('imageModels'), /,/) },
      WEBHOOK: {
        webhookUrl: String(values.get('webhookUrl') ?? ''),
        webhookSecret: String(values.get('webhookSecret') ?? ''),
        webhookTimeoutMs: number('webhookTimeoutMs'),
        webhookFailOpen: values.get('webhookFailOpen') === 'on',
      },
    }[kind];
    const done = await create.execute({
      input: {
        teamId,
        name: String(values.get('name') ?? ''),
        kind,
        stage: String(values.get('stage')) as 'PRE',
        streamMode: String(values.get('streamMode')) as 'BUFFER',
        ...settings,
      },
    });
    if (done) {
      form.reset();
      setKind('DENY_LIST');
      onCreated();
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="create-guardrail-title" noValidate>
      <h2 id="create-guardrail-title">Add a guardrail</h2>
      <div className="form-grid">
        <FieldInput label="Guardrail name" name="name" required errors={errors} />
        <div className="field">
          <label htmlFor="guardrail-kind">Check</label>
          <select id="guardrail-kind" name="kind" value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
            {KINDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <FieldSelect
          label="Stage"
          name="stage"
          defaultValue="PRE"
          errors={errors}
          options={[
            { value: 'PRE', label: 'prompt, before the upstream call' },
            { value: 'POST', label: 'answer' },
            { value: 'BOTH', label: 'both' },
          ]}
        />
        <FieldSelect
          label="Streamed answers"
          name="streamMode"
          defaultValue="BUFFER"
          errors={errors}
          options={[
            { value: 'BUFFER', label: 'checked whole before the first byte' },
            { value: 'FLOW', label: 'checked as they stream' },
          ]}
        />
        {kind === 'DENY_LIST' ? (
          <>
            <FieldInput label="Denied words" name="denyKeywords" hint="Comma-separated, whole words, any case" errors={errors} />
            <div className="field">
              <label htmlFor="guardrail-patterns">Denied patterns</label>
              <textarea id="guardrail-patterns" name="denyPatterns" rows={3} placeholder="One RE2 pattern per line" />
              {errors.fields.denyPatterns ? (
                <small className="field-error" role="alert">
                  {errors.fields.denyPatterns}
                </small>
              ) : null}
            </div>
          </>
        ) : null}
        {kind === 'PII' ? (
          <>
            <fieldset className="field">
              <legend>Personal data to find</legend>
              {PII_ENTITIES.map((entity) => (
                <label key={entity}>
                  <input type="checkbox" name={`pii-${entity}`} defaultChecked /> {entity.toLowerCase().replace('_', ' ')}
                </label>
              ))}
            </fieldset>
            <FieldSelect
              label="When found"
              name="piiAction"
              defaultValue="MASK"
              errors={errors}
              options={[
                { value: 'MASK', label: 'mask it' },
                { value: 'BLOCK', label: 'refuse the request' },
              ]}
            />
          </>
        ) : null}
        {kind === 'MAX_PROMPT_TOKENS' ? <FieldInput label="Most prompt tokens" name="maxPromptTokens" type="number" errors={errors} /> : null}
        {kind === 'IMAGE_MODELS' ? <FieldInput label="Image models" name="imageModels" hint="Comma-separated model names" errors={errors} /> : null}
        {kind === 'WEBHOOK' ? (
          <>
            <FieldInput label="Webhook URL" name="webhookUrl" type="url" errors={errors} />
            <FieldInput label="Signing secret" name="webhookSecret" type="password" hint="At least 16 characters; never shown again" errors={errors} />
            <FieldInput label="Timeout (ms)" name="webhookTimeoutMs" type="number" placeholder="2000" errors={errors} />
            <div className="field">
              <label>
                <input type="checkbox" name="webhookFailOpen" /> Let requests through when the webhook fails
              </label>
            </div>
          </>
        ) : null}
      </div>
      <FormError errors={errors} />
      <button type="submit" disabled={create.fetching}>
        Add guardrail
      </button>
    </form>
  );
}

type Policy = NonNullable<ResultOf<typeof GuardrailsQuery>['cachePolicies']['edges'][number]['node']>;

function CachePolicyForm({ teamId, policy, canEdit, onChanged }: { teamId: string; policy: Policy | null; canEdit: boolean; onChanged: () => void }) {
  const set = useAction(SetCachePolicy);
  const remove = useAction(DeleteCachePolicy);
  const summary = policy
    ? `${policy.enabled ? 'On' : 'Off'} for this team: answers kept ${policy.ttlSeconds} s${policy.deterministicOnly ? ', deterministic requests only' : ''}.`
    : 'No team policy: the plan decides (off unless the plan switches it on).';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    const done = await set.execute({
      input: {
        scope: 'TEAM',
        scopeId: teamId,
        ttlSeconds: Number(values.get('ttlSeconds') || 0),
        enabled: values.get('enabled') === 'on',
        deterministicOnly: values.get('deterministicOnly') === 'on',
      },
    });
    if (done) onChanged();
  }

  return (
    <>
      <p data-testid="cache-policy">{summary}</p>
      {canEdit ? (
        <form className="card" onSubmit={submit} aria-labelledby="cache-policy-title" noValidate key={policy?.id ?? 'none'}>
          <h2 id="cache-policy-title">Team cache policy</h2>
          <div className="form-grid">
            <FieldInput
              label="Keep answers for (seconds)"
              name="ttlSeconds"
              type="number"
              defaultValue={String(policy?.ttlSeconds ?? 300)}
              errors={set.errors}
            />
            <div className="field">
              <label>
                <input type="checkbox" name="enabled" defaultChecked={policy?.enabled ?? true} /> Cache on
              </label>
              <label>
                <input type="checkbox" name="deterministicOnly" defaultChecked={policy?.deterministicOnly ?? true} /> Only requests with temperature 0 or a seed
              </label>
            </div>
          </div>
          <FormError errors={set.errors} />
          <div className="row">
            <button type="submit">Save cache policy</button>
            {policy ? (
              <button
                type="button"
                className="secondary"
                onClick={async () => {
                  if (await remove.execute({ id: policy.id })) onChanged();
                }}
              >
                Remove team policy
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
    </>
  );
}
