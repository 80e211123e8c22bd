import { type FormEvent, useState } from 'react';
import { useQuery } from 'urql';
import { DangerButton, FieldInput, FieldSelect, FormError, QueryError } from '../components/ui.tsx';
import { firstError, useAction } from '../components/use-action.ts';
import { toMicroUsd, usd } from '../format.ts';
import { graphql, MutationErrors } from '../graphql.ts';
import { useAccess } from '../viewer.tsx';
import { DeploymentForm } from './catalog-deployments.tsx';
import { ProvidersQuery } from './catalog-providers.tsx';

export const ModelsQuery = graphql(`
  query CatalogModels {
    models(first: 15) {
      edges { node { id name aliases tags currentPrice { inputPerMillion outputPerMillion } fallbackChain { id name }
        deployments { id upstreamModel weight provider { id name } limits { rpm tpm maxParallel } timeouts { connectMs firstByteMs idleMs totalMs } } } }
    }
  }
`);
const CreateModel = graphql(
  `mutation CreateModel($input: CreateModelInput!) { createModel(input: $input) { __typename ... on MutationCreateModelSuccess { data { id } } ...MutationErrors } }`,
  [MutationErrors],
);
const UpdateModel = graphql(
  `mutation UpdateModelAliases($input: UpdateModelInput!) { updateModel(input: $input) { __typename ... on MutationUpdateModelSuccess { data { id aliases } } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteModel = graphql(
  `mutation DeleteModel($id: ID!) { deleteModel(id: $id) { __typename ... on MutationDeleteModelSuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);
const DeleteDeployment = graphql(
  `mutation DeleteDeployment($id: ID!) { deleteDeployment(id: $id) { __typename ... on MutationDeleteDeploymentSuccess { data } ...MutationErrors } }`,
  [MutationErrors],
);

const list = (text: FormDataEntryValue | null) =>
  String(text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Models with their deployments and aliases (platform admin writes; everyone reads the catalogue). */
export function ModelsSection() {
  const access = useAccess();
  const [{ data, error }, refetch] = useQuery({ query: ModelsQuery });
  const [{ data: providers }] = useQuery({ query: ProvidersQuery });
  const create = useAction(CreateModel);
  const update = useAction(UpdateModel);
  const remove = useAction(DeleteModel);
  const removeDeployment = useAction(DeleteDeployment);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  // The deployment form open: on a model (add) or on one of its deployments (edit).
  const [deploymentForm, setDeploymentForm] = useState<{ modelId: string; deploymentId?: string } | null>(null);
  const providerOptions = providers?.providers.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    let price;
    try {
      const input = String(values.get('inputPrice') ?? '').trim();
      const output = String(values.get('outputPrice') ?? '').trim();
      price = input || output ? { inputPerMillion: toMicroUsd(input || '0'), outputPerMillion: toMicroUsd(output || '0') } : undefined;
    } catch (problem) {
      return create.setErrors({ fields: { inputPerMillion: (problem as Error).message } });
    }
    const created = await create.execute({
      input: {
        name: String(values.get('name') ?? ''),
        aliases: list(values.get('aliases')),
        deployments: [{ providerId: String(values.get('providerId') ?? ''), upstreamModel: String(values.get('upstreamModel') ?? '') }],
        price,
      },
    });
    if (created) {
      form.reset();
      reload();
    }
  }
  const rowError = firstError(update.errors) ?? firstError(remove.errors) ?? firstError(removeDeployment.errors);
  return (
    <section aria-labelledby="models-title">
      <h2 id="models-title">Models, deployments and aliases</h2>
      {access.isAdmin ? (
        <form className="card" onSubmit={submit} aria-label="Create a model" noValidate>
          <div className="form-grid">
            <FieldInput label="Model name" name="name" required errors={create.errors} />
            <FieldInput label="Aliases" name="aliases" hint="Comma-separated" errors={create.errors} />
            <FieldSelect label="Provider" name="providerId" options={providerOptions} errors={create.errors} />
            <FieldInput label="Upstream model" name="upstreamModel" required placeholder="mock-1, gpt-4o-mini…" errors={create.errors} />
            <FieldInput
              label="Input price (USD per million tokens)"
              name="inputPrice"
              placeholder="0.15"
              errors={{ fields: { inputPrice: create.errors.fields.inputPerMillion } }}
            />
            <FieldInput
              label="Output price (USD per million tokens)"
              name="outputPrice"
              placeholder="0.60"
              errors={{ fields: { outputPrice: create.errors.fields.outputPerMillion } }}
            />
          </div>
          <FormError errors={create.errors} />
          <button type="submit">Create model</button>
        </form>
      ) : null}
      {access.isAdmin && deploymentForm
        ? data?.models.edges
            .filter(({ node }) => node.id === deploymentForm.modelId)
            .map(({ node: model }) => (
              <DeploymentForm
                key={`${model.id}-${deploymentForm.deploymentId ?? 'new'}`}
                model={model}
                providers={providerOptions}
                deployment={model.deployments.find((deployment) => deployment.id === deploymentForm.deploymentId)}
                onDone={(saved) => {
                  setDeploymentForm(null);
                  if (saved) reload();
                }}
              />
            ))
        : null}
      <QueryError error={error} />
      {rowError ? (
        <p className="error" role="alert">
          {rowError}
        </p>
      ) : null}
      <div className="table-wrap">
        <table aria-label="Models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Aliases</th>
              <th>Deployments</th>
              <th>Price in / out per M</th>
              <th>Fallback</th>
              {access.isAdmin ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {data?.models.edges.map(({ node: model }) => (
              <tr key={model.id}>
                <td>{model.name}</td>
                <td>{model.aliases.join(', ') || '—'}</td>
                <td>
                  {model.deployments.map((deployment) => (
                    <div key={deployment.id} className="row">
                      {deployment.provider.name} → <code>{deployment.upstreamModel}</code> (weight {deployment.weight})
                      {access.isAdmin ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Edit deployment ${deployment.upstreamModel} of ${model.name}`}
                          onClick={() => setDeploymentForm({ modelId: model.id, deploymentId: deployment.id })}
                        >
                          Edit
                        </button>
                      ) : null}
                      {access.isAdmin ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Delete deployment ${deployment.upstreamModel} of ${model.name}`}
                          onClick={async () => {
                            await removeDeployment.execute({ id: deployment.id });
                            reload();
                          }}
                        >
                          ×
                        </button>
                      ) : null}
                    </div>
                  ))}
                </td>
                <td>{model.currentPrice ? `${usd(model.currentPrice.inputPerMillion)} / ${usd(model.currentPrice.outputPerMillion)}` : 'free'}</td>
                <td>{model.fallbackChain?.name ?? '—'}</td>
                {access.isAdmin ? (
                  <td className="row">
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Add a deployment to ${model.name}`}
                      onClick={() => setDeploymentForm({ modelId: model.id })}
                    >
                      Add deployment
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Edit aliases of ${model.name}`}
                      onClick={async () => {
                        const aliases = window.prompt(`Aliases of ${model.name}, comma-separated:`, model.aliases.join(', '));
                        if (aliases === null) return;
                        await update.execute({ input: { id: model.id, aliases: list(aliases) } });
                        reload();
                      }}
                    >
                      Aliases
                    </button>
                    <DangerButton
                      label={`Delete model ${model.name}`}
                      question={`Delete ${model.name}?`}
                      run={() => remove.execute({ id: model.id })}
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
