import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { DangerButton, FieldInput, FieldSelect, FormError, QueryError } from '../components/ui.tsx';
import { firstError, useAction } from '../components/use-action.ts';
import { graphql, MutationErrors } from '../graphql.ts';
import { useAccess } from '../viewer.tsx';
import { ChainEditForm, ProfileEditForm, STRATEGIES, type TRIGGERS, TriggerFields } from './catalog-routing-edit.tsx';

const RoutingQuery = graphql(`
  query Routing {
    fallbackChains(first: 15) { edges { node { id name description triggers models { id name } } } }
    routingProfiles(first: 15) { edges { node { id name description strategy } } }
  }
`);
const CreateChain = graphql(
  `mutation CreateChain($input: CreateFallbackChainInput!) { createFallbackChain(input: $input) { __typename ... on MutationCreateFallbackChainSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteChain = graphql(
  `mutation DeleteChain($id: ID!) { deleteFallbackChain(id: $id) { __typename ... on MutationDeleteFallbackChainSuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);
const CreateProfile = graphql(
  `mutation CreateProfile($input: CreateRoutingProfileInput!) { createRoutingProfile(input: $input) { __typename ... on MutationCreateRoutingProfileSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteProfile = graphql(
  `mutation DeleteProfile($id: ID!) { deleteRoutingProfile(id: $id) { __typename ... on MutationDeleteRoutingProfileSuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);

/** Fallback chains and routing profiles (platform admin writes). */
export function RoutingSection() {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: RoutingQuery });
  const createChain = useAction(CreateChain);
  const deleteChain = useAction(DeleteChain);
  const createProfile = useAction(CreateProfile);
  const deleteProfile = useAction(DeleteProfile);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const [editing, setEditing] = useState<string | null>(null);
  const done = (saved: boolean) => {
    setEditing(null);
    if (saved) reload();
  };
  async function submitChain(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const created = await createChain.execute({
      input: {
        name: String(values.get('name') ?? ''),
        models: String(values.get('models') ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        triggers: values.getAll('triggers').map(String) as (typeof TRIGGERS)[number][],
      },
    });
    if (created) {
      form.reset();
      reload();
    }
  }
  async function submitProfile(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const created = await createProfile.execute({
      input: {
        name: String(values.get('name') ?? ''),
        strategy: String(values.get('strategy')) as (typeof STRATEGIES)[number],
        description: String(values.get('description') ?? '') || undefined,
      },
    });
    if (created) {
      form.reset();
      reload();
    }
  }
  const rowError = firstError(deleteChain.errors) ?? firstError(deleteProfile.errors);
  return (
    <>
      <section aria-labelledby="chains-title">
        <h2 id="chains-title">Fallback chains</h2>
        {access.isAdmin ? (
          <form className="card" onSubmit={submitChain} aria-label="Create a fallback chain" noValidate>
            <div className="form-grid">
              <FieldInput label="Chain name" name="name" required errors={createChain.errors} />
              <FieldInput label="Models in order" name="models" hint="Comma-separated model names" errors={createChain.errors} />
              <TriggerFields checked={(trigger) => trigger === 'RATE_LIMIT' || trigger === 'SERVER_ERROR'} errors={createChain.errors} />
            </div>
            <FormError errors={createChain.errors} />
            <button type="submit">Create chain</button>
          </form>
        ) : null}
        {data?.fallbackChains.edges
          .filter(({ node }) => access.isAdmin && node.id === editing)
          .map(({ node }) => (
            <ChainEditForm key={node.id} chain={node} onDone={done} />
          ))}
        <QueryError error={error} />
        {rowError ? (
          <p className="error" role="alert">
            {rowError}
          </p>
        ) : null}
        <div className="table-wrap">
          <table aria-label="Fallback chains">
            <thead>
              <tr>
                <th>Name</th>
                <th>Models</th>
                <th>Triggers</th>
                {access.isAdmin ? <th>Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {data?.fallbackChains.edges.map(({ node: chain }) => (
                <tr key={chain.id}>
                  <td>{chain.name}</td>
                  <td>{chain.models.map((model) => model.name).join(' → ')}</td>
                  <td>{chain.triggers.map((trigger) => trigger.toLowerCase()).join(', ')}</td>
                  {access.isAdmin ? (
                    <td className="row">
                      <button type="button" className="secondary" aria-label={`Edit chain ${chain.name}`} onClick={() => setEditing(chain.id)}>
                        Edit
                      </button>
                      <DangerButton
                        label={`Delete chain ${chain.name}`}
                        question={`Delete ${chain.name}?`}
                        run={() => deleteChain.execute({ id: chain.id })}
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
      <section aria-labelledby="profiles-title">
        <h2 id="profiles-title">Routing profiles</h2>
        {access.isAdmin ? (
          <form className="card" onSubmit={submitProfile} aria-label="Create a routing profile" noValidate>
            <div className="form-grid">
              <FieldInput label="Profile name" name="name" required errors={createProfile.errors} />
              <FieldSelect
                label="Strategy"
                name="strategy"
                options={STRATEGIES.map((strategy) => ({ value: strategy, label: strategy.toLowerCase().replace('_', ' ') }))}
                errors={createProfile.errors}
              />
              <FieldInput label="Description" name="description" errors={createProfile.errors} />
            </div>
            <FormError errors={createProfile.errors} />
            <button type="submit">Create profile</button>
          </form>
        ) : null}
        {data?.routingProfiles.edges
          .filter(({ node }) => access.isAdmin && node.id === editing)
          .map(({ node }) => (
            <ProfileEditForm key={node.id} profile={node} onDone={done} />
          ))}
        <div className="table-wrap">
          <table aria-label="Routing profiles">
            <thead>
              <tr>
                <th>Name</th>
                <th>Strategy</th>
                <th>Description</th>
                {access.isAdmin ? <th>Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {data?.routingProfiles.edges.map(({ node: profile }) => (
                <tr key={profile.id}>
                  <td>{profile.name}</td>
                  <td>{profile.strategy.toLowerCase()}</td>
                  <td>{profile.description ?? '—'}</td>
                  {access.isAdmin ? (
                    <td className="row">
                      <button type="button" className="secondary" aria-label={`Edit profile ${profile.name}`} onClick={() => setEditing(profile.id)}>
                        Edit
                      </button>
                      <DangerButton
                        label={`Delete profile ${profile.name}`}
                        question={`Delete ${profile.name}?`}
                        run={() => deleteProfile.execute({ id: profile.id })}
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
    </>
  );
}
