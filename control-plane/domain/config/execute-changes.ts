import type { GraphQLContext } from '../../context.ts';
import { deleteBudget, setBudget } from '../budgets/budgets.ts';
import { deleteCachePolicy, setCachePolicy } from '../cache-policies/cache-policies.ts';
import { createDeployment, deleteDeployment, updateDeployment } from '../deployments/deployments.ts';
import { ValidationError } from '../errors.ts';
import { createFallbackChain, deleteFallbackChain, updateFallbackChain } from '../fallback-chains/fallback-chains.ts';
import { createModel, deleteModel, updateModel } from '../models/models.ts';
import { setModelPrice } from '../models/prices.ts';
import type { Tx } from '../mutate.ts';
import { createPlan, deletePlan, updatePlan } from '../plans/plans.ts';
import { createProvider, deleteProvider, updateProvider } from '../providers/providers.ts';
import { setRoutingDefaults } from '../routing-defaults/routing-defaults.ts';
import { createRoutingProfile, deleteRoutingProfile, updateRoutingProfile } from '../routing-profiles/routing-profiles.ts';
import { createTeam, deleteTeam, setTeamBlocked, setTeamPlan, updateTeam } from '../teams/teams.ts';
import { reconcileGuardrails } from './config-guardrails.ts';
import type {
  ConfigBudget,
  ConfigCache,
  ConfigDeployment,
  ConfigFallbackChain,
  ConfigModel,
  ConfigPlan,
  ConfigProvider,
  ConfigTeam,
  Section,
} from './config-schema.ts';
import type { Change } from './diff-config.ts';

type ObjectChange = Extract<Change, { target: 'object' }>;

/**
 * Carries out a diff through the domain layer, in an order that respects references: routing defaults, profiles,
 * platform providers, models (without their fallback chain, which may name them), chains, model
 * updates, plans, teams, team providers, deployments, budgets; deletions last, in reverse.
 * `ctx` is bound to one transaction (apply-config.ts); `onError` turns a domain error into one
 * that names the object's place in the file.
 */
export async function executeChanges(
  ctx: GraphQLContext,
  tx: Tx,
  changes: Change[],
  secrets: Map<string, string>,
  run: (change: Change, work: () => Promise<unknown>) => Promise<void>,
) {
  const ids = createLookup(tx);
  const objects = (section: Section, op: Change['op']) =>
    changes.filter((c): c is ObjectChange => c.target === 'object' && c.section === section && c.op === op);
  const isTeamProvider = (c: ObjectChange) => (c.item as ConfigProvider).team !== null;
  const withModel = new Set<Change>();

  // The routing defaults reference nothing: set (or, pruned, unset) first.
  for (const c of changes) if (c.target === 'routing') await run(c, () => setRoutingDefaults(ctx, c.item ?? {}));

  for (const c of objects('routingProfiles', 'create')) await run(c, () => createRoutingProfile(ctx, c.item));
  for (const c of objects('routingProfiles', 'update'))
    await run(c, async () => updateRoutingProfile(ctx, { id: await ids.profile(c.key), strategy: c.item.strategy, description: c.item.description }));

  const providerChange = async (c: ObjectChange) => {
    const item = c.item as ConfigProvider;
    const apiKey = secrets.get(item.name) ?? null;
    if (c.op === 'create')
      return void (await createProvider(ctx, {
        ...providerFields(item, apiKey),
        name: item.name,
        kind: item.kind,
        teamId: item.team ? await ids.team(item.team) : null,
      }));
    const unchangeable = c.fields.find(([field]) => field === 'kind' || field === 'team');
    if (unchangeable)
      throw new ValidationError([
        { path: unchangeable[0], message: `a provider's ${unchangeable[0]} cannot change; delete it (--prune) and create it under a new name` },
      ]);
    await updateProvider(ctx, { id: await ids.provider(item.name), ...providerFields(item, apiKey) });
  };
  for (const c of [...objects('providers', 'create'), ...objects('providers', 'update')].filter((c) => !isTeamProvider(c)))
    await run(c, () => providerChange(c));

  for (const c of objects('models', 'create')) {
    const model = c.item as ConfigModel;
    const own = await teamProviderNames(tx, changes);
    const inline = changes.filter(
      (d): d is Extract<Change, { target: 'deployment' }> =>
        d.target === 'deployment' && d.op === 'create' && d.model === model.name && !own.has(d.item.provider),
    );
    await run(c, async () =>
      createModel(ctx, {
        ...modelFields(model),
        name: model.name,
        price: model.price ? priceInput(model.price) : null,
        deployments: await Promise.all(inline.map(async (d) => deploymentInput(d.item, await ids.provider(d.item.provider)))),
      }),
    );
    inline.forEach((d) => withModel.add(d));
  }

  for (const c of objects('fallbackChains', 'create')) await run(c, () => createFallbackChain(ctx, chainFields(c.item)));
  for (const c of objects('fallbackChains', 'update'))
    await run(c, async () => updateFallbackChain(ctx, { ...chainFields(c.item), name: undefined, id: await ids.chain(c.key) }));

  for (const c of [...objects('models', 'create'), ...objects('models', 'update')]) {
    const model = c.item as ConfigModel;
    if (c.op === 'create' && model.fallbackChain === null) continue;
    await run(c, async () => {
      const id = await ids.model(model.name);
      if (c.op === 'create') return void (await updateModel(ctx, { id, fallbackChainId: await ids.chain(model.fallbackChain!) }));
      if (c.fields.some(([field]) => field !== 'price'))
        await updateModel(ctx, { id, ...modelFields(model), fallbackChainId: model.fallbackChain ? await ids.chain(model.fallbackChain) : null });
      if (model.price && c.fields.some(([field]) => field === 'price')) await setModelPrice(ctx, { modelId: id, price: priceInput(model.price) });
    });
  }

  const cacheChanged = (c: ObjectChange) =>
    c.op === 'create' ? (c.item as ConfigPlan | ConfigTeam).cache !== null : c.fields.some(([name]) => name === 'cache');
  for (const c of objects('plans', 'create')) await run(c, async () => createPlan(ctx, { name: c.key, ...(await planFields(c.item, ids)) }));
  const guardrailsChanged = (c: ObjectChange) =>
    c.op === 'create' ? (c.item as ConfigPlan | ConfigTeam).guardrails.length > 0 : c.fields.some(([name]) => name === 'guardrails');
  for (const c of objects('plans', 'update')) {
    if (c.fields.some(([name]) => name !== 'cache' && name !== 'guardrails'))
      await run(c, async () => updatePlan(ctx, { id: await ids.plan(c.key), ...(await planFields(c.item, ids)) }));
  }
  for (const c of [...objects('plans', 'create'), ...objects('plans', 'update')].filter(cacheChanged))
    await run(c, async () => setOrDeleteCache(ctx, tx, 'plan', await ids.plan(c.key), (c.item as ConfigPlan).cache));
  for (const c of [...objects('plans', 'create'), ...objects('plans', 'update')].filter(guardrailsChanged))
    await run(c, async () => reconcileGuardrails(ctx, tx, { planId: await ids.plan(c.key) }, `plan:${c.key}`, (c.item as ConfigPlan).guardrails, secrets));

  for (const c of [...objects('teams', 'create'), ...objects('teams', 'update')]) {
    const team = c.item as ConfigTeam;
    await run(c, async () => {
      const refs = {
        routingProfileId: team.routingProfile ? await ids.profile(team.routingProfile) : null,
        fallbackChainId: team.fallbackChain ? await ids.chain(team.fallbackChain) : null,
      };
      const planId = team.plan ? await ids.plan(team.plan) : null;
      let id: string;
      if (c.op === 'create')
        id = ((await createTeam(ctx, { name: team.name, slug: team.slug, systemPrompt: team.systemPrompt, planId, ...refs })) as { id: string }).id;
      else id = await ids.team(team.slug);
      const changed = (field: string) => c.op === 'create' || c.fields.some(([name]) => name === field);
      const settings = c.op === 'create' ? team.logPrompts : c.fields.some(([name]) => !['plan', 'blocked', 'cache', 'guardrails'].includes(name));
      if (settings) await updateTeam(ctx, { id, name: team.name, systemPrompt: team.systemPrompt, logPrompts: team.logPrompts, ...refs });
      if (c.op === 'update' && changed('plan')) await setTeamPlan(ctx, { teamId: id, planId });
      if (c.op === 'create' ? team.blocked : changed('blocked')) await setTeamBlocked(ctx, { teamId: id, blocked: team.blocked });
      if (cacheChanged(c)) await setOrDeleteCache(ctx, tx, 'team', id, team.cache);
      if (guardrailsChanged(c)) await reconcileGuardrails(ctx, tx, { teamId: id }, `team:${team.slug}`, team.guardrails, secrets);
    });
  }

  for (const c of [...objects('providers', 'create'), ...objects('providers', 'update')].filter(isTeamProvider)) await run(c, () => providerChange(c));

  for (const c of changes) {
    if (c.target !== 'deployment' || c.op === 'delete' || withModel.has(c)) continue;
    await run(c, async () => {
      const providerId = await ids.provider(c.item.provider);
      const { providerId: _, upstreamModel: __, price, ...fields } = deploymentInput(c.item, providerId);
      if (c.op === 'create') return void (await createDeployment(ctx, { ...deploymentInput(c.item, providerId), modelId: await ids.model(c.model) }));
      const id = await ids.deployment(c.model, c.item);
      if (c.fields.some(([field]) => field !== 'price')) await updateDeployment(ctx, { id, ...fields });
      // A new price version of the deployment, effective now (history is never rewritten).
      if (price && c.fields.some(([field]) => field === 'price')) await setModelPrice(ctx, { modelId: await ids.model(c.model), deploymentId: id, price });
    });
  }

  for (const c of changes) {
    if (c.target !== 'budget' || c.op === 'delete') continue;
    await run(c, async () =>
      setBudget(ctx, { scope: c.scope, scopeId: c.scope === 'team' ? await ids.team(c.owner) : await ids.model(c.owner), ...budgetInput(c.item) }),
    );
  }

  // Deletions (only with --prune), the most dependent first.
  for (const c of changes) {
    if (c.op !== 'delete') continue;
    if (c.target === 'budget')
      await run(c, async () => deleteBudget(ctx, await ids.budget(c.scope, c.scope === 'team' ? await ids.team(c.owner) : await ids.model(c.owner), c.key)));
    if (c.target === 'deployment') await run(c, async () => deleteDeployment(ctx, await ids.deployment(c.model, c.item)));
  }
  const deletions: [Section, (id: string) => Promise<unknown>, (key: string) => Promise<string>][] = [
    ['teams', (id) => deleteTeam(ctx, id), ids.team],
    ['plans', (id) => deletePlan(ctx, id), ids.plan],
    ['fallbackChains', (id) => deleteFallbackChain(ctx, id), ids.chain],
    ['models', (id) => deleteModel(ctx, id), ids.model],
    ['providers', (id) => deleteProvider(ctx, id), ids.provider],
    ['routingProfiles', (id) => deleteRoutingProfile(ctx, id), ids.profile],
  ];
  for (const [section, remove, idOf] of deletions) {
    for (const c of objects(section, 'delete')) {
      // A team's own provider goes with its team (cascade).
      if (section === 'providers' && !(await tx.provider.findUnique({ where: { name: c.key } }))) continue;
      await run(c, async () => remove(await idOf(c.key)));
    }
  }
}

/** The file's cache policy of a plan or team: set (created or replaced), or removed when the file has none. */
async function setOrDeleteCache(ctx: GraphQLContext, tx: Tx, scope: 'plan' | 'team', scopeId: string, cache: ConfigCache | null) {
  if (cache) {
    const hitPriceMicroUsd = 'hitPriceMicroUsd' in cache ? BigInt(cache.hitPriceMicroUsd) : undefined;
    return void (await setCachePolicy(ctx, {
      scope,
      scopeId,
      ttlSeconds: cache.ttlSeconds,
      enabled: cache.enabled,
      deterministicOnly: cache.deterministicOnly,
      hitPriceMicroUsd,
    }));
  }
  const stored = await tx.cachePolicy.findUnique({ where: { scope_scopeId: { scope, scopeId } }, select: { id: true } });
  if (stored) await deleteCachePolicy(ctx, stored.id);
}

async function teamProviderNames(tx: Tx, changes: Change[]): Promise<Set<string>> {
  const stored = await tx.provider.findMany({ where: { teamId: { not: null } }, select: { name: true } });
  const created = changes.filter((c) => c.target === 'object' && c.section === 'providers' && c.item.team !== null).map((c) => c.key);
  return new Set([...stored.map((p) => p.name), ...created]);
}

const providerFields = (item: ConfigProvider, apiKey: string | null) => ({ baseUrl: item.baseUrl, apiVersion: item.apiVersion, region: item.region, apiKey });
const priceInput = (price: NonNullable<ConfigModel['price']>) => ({
  inputPerMillion: BigInt(price.inputPerMillion),
  outputPerMillion: BigInt(price.outputPerMillion),
  cachedInputPerMillion: BigInt(price.cachedInputPerMillion),
  cacheWritePerMillion: price.cacheWritePerMillion === undefined ? null : BigInt(price.cacheWritePerMillion),
});
const budgetInput = (budget: ConfigBudget) => ({
  amountMicroUsd: BigInt(budget.amountMicroUsd),
  period: budget.period,
  hard: budget.hard,
  alertThresholds: budget.alertThresholds,
});
const deploymentInput = (d: ConfigDeployment, providerId: string) => ({
  providerId,
  upstreamModel: d.upstreamModel,
  weight: d.weight,
  limits: d.limits,
  timeouts: d.timeouts,
  extraParameters: d.extraParameters,
  price: d.price ? priceInput(d.price) : null,
});
const chainFields = (chain: ConfigFallbackChain) => ({ name: chain.name, description: chain.description, models: chain.models, triggers: chain.triggers });

function modelFields(model: ConfigModel) {
  const { aliases, description, tags, contextWindow, maxOutputTokens, capabilities } = model;
  return { aliases, description, tags, contextWindow, maxOutputTokens, capabilities };
}

async function planFields(plan: ConfigPlan, ids: Lookup) {
  return {
    description: plan.description,
    allowedModels: plan.allowedModels,
    limits: plan.limits,
    budget: plan.budget ? budgetInput(plan.budget) : null,
    markupBasisPoints: plan.markupBasisPoints,
    billing: plan.billing,
    routingProfileId: plan.routingProfile ? await ids.profile(plan.routingProfile) : null,
    fallbackChainId: plan.fallbackChain ? await ids.chain(plan.fallbackChain) : null,
  };
}

type Lookup = ReturnType<typeof createLookup>;

/** Name -> id, read inside the transaction (so objects created earlier in it are found). */
function createLookup(tx: Tx) {
  const need = (what: string, name: string) => (row: { id: string } | null) => {
    if (!row) throw new ValidationError([{ path: what, message: `unknown ${what} "${name}"` }]);
    return row.id;
  };
  return {
    profile: (name: string) => tx.routingProfile.findUnique({ where: { name }, select: { id: true } }).then(need('routing profile', name)),
    provider: (name: string) => tx.provider.findUnique({ where: { name }, select: { id: true } }).then(need('provider', name)),
    model: (name: string) => tx.model.findUnique({ where: { name }, select: { id: true } }).then(need('model', name)),
    chain: (name: string) => tx.fallbackChain.findUnique({ where: { name }, select: { id: true } }).then(need('fallback chain', name)),
    plan: (name: string) => tx.plan.findUnique({ where: { name }, select: { id: true } }).then(need('plan', name)),
    team: (slug: string) => tx.team.findUnique({ where: { slug }, select: { id: true } }).then(need('team', slug)),
    deployment: (model: string, d: ConfigDeployment) =>
      tx.deployment
        .findFirst({ where: { model: { name: model }, provider: { name: d.provider }, upstreamModel: d.upstreamModel }, select: { id: true } })
        .then(need('deployment', `${d.provider}/${d.upstreamModel}`)),
    budget: (scope: string, scopeId: string, period: string) =>
      tx.budget.findUnique({ where: { scope_scopeId_period: { scope, scopeId, period } }, select: { id: true } }).then(need('budget', period)),
  };
}
