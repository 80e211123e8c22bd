import { periodOf, periodStart } from '../../shared/budgets/periods.ts';
import {
  budgetCounterExpiresAt,
  budgetCounterName,
  creditsCounterName,
  deploymentCounterGroup,
  modelCounterGroup,
  teamCounterGroup,
} from '../../shared/money/money-counters.ts';
import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { costMicroUsd } from '../../shared/pricing/cost.ts';
import { withMarkup } from '../../shared/pricing/markup.ts';
import type { BudgetPeriod, SnapshotBudget, SnapshotDeployment, SnapshotLimits, SnapshotTeam } from '../../shared/snapshot/schema.ts';
import { promptSizeOf } from '../request/prompt-size.ts';
import type { CompiledApiKey, CompiledModel, CompiledTarget } from '../snapshot/compiled-snapshot.ts';
import type { Admission, BudgetCheck, RateCheck, RateScope } from './money-store.ts';

/** Output reserved when neither the request (max_tokens) nor the model caps it. */
export const DEFAULT_OUTPUT_RESERVE = 4096;

export interface AdmissionInput {
  /** Unique per request (not the client's x-request-id, which a client may repeat). */
  admissionId: string;
  apiKey: CompiledApiKey;
  /** The model the reservation is priced at (the dearest a fallback could reach). */
  model: CompiledModel;
  /** The requested model's id: whose model budgets the request draws on. Default: `model`'s. */
  budgetModelId?: string;
  /**
   * The deployment the first attempt goes to, when known: its own limits are taken with the
   * request's, in the same script (the attempt loop then takes only the other attempts' one by one).
   */
  deployment?: CompiledTarget;
  /**
   * True only when every deployment the request may reach (its model's and its fallbacks') is
   * the team's own: then no markup is reserved and no prepaid credits are checked. One shared
   * deployment anywhere in the plan makes the reservation the marked-up, credit-drawing one.
   */
  byok: boolean;
  budgets: readonly SnapshotBudget[];
  /** After team policy: what goes upstream. */
  request: ChatCompletionRequest;
  /** When the request started: picks the budget periods it belongs to. */
  now: number;
  reservationTtlMs: number;
}

/** The request's worst case, before anything is called. */
export interface RequestBounds {
  /** Upper bound of prompt tokens: UTF-8 bytes of the messages and tools as JSON (see docs/money.md). */
  promptTokens: number;
  outputTokens: number;
  /** Estimated prompt + output bound: what tpm takes now and corrects on settle. */
  rateTokens: number;
  /** Maximum cost of the request at the snapshot's price, with markup, integer micro-USD. */
  maxCostMicroUsd: number;
  byok: boolean;
}

export function requestBounds(input: Pick<AdmissionInput, 'apiKey' | 'model' | 'byok' | 'request'>): RequestBounds {
  const { request, model } = input;
  const prompt = promptSizeOf(request);
  const promptTokens = prompt.bytes();
  const perChoice = request.max_completion_tokens ?? request.max_tokens ?? model.model.maxOutputTokens ?? DEFAULT_OUTPUT_RESERVE;
  const outputTokens = perChoice * (request.n ?? 1);
  const { byok } = input;
  const tokens = { promptTokens, completionTokens: outputTokens, cachedTokens: 0 };
  // The dearest price the request may be billed at: a deployment's own price may exceed the model's.
  let providerCost = costMicroUsd(model.model.price, tokens);
  for (const deployment of model.model.deployments) providerCost = Math.max(providerCost, costMicroUsd(deployment.price, tokens));
  return {
    promptTokens,
    outputTokens,
    rateTokens: prompt.estimate() + outputTokens,
    maxCostMicroUsd: withMarkup(providerCost, byok ? 0 : (input.apiKey.plan?.markupBasisPoints ?? 0)),
    byok,
  };
}

/**
 * Every counter the request must pass: rate limits of key, team (plan) and the first attempt's
 * deployment; budgets; credits. Other attempts' deployments are checked as they are made
 * (deploymentAdmission): which deployments a request reaches is only known then.
 */
export function planAdmission(input: AdmissionInput): { admission: Admission; bounds: RequestBounds } {
  const bounds = requestBounds(input);
  const { apiKey, deployment } = input;
  const team = teamNames(apiKey.team);
  const rates: RateCheck[] = [];
  addRateChecks(rates, keyRateNames(apiKey.key), team.group, apiKey.key.limits, bounds.rateTokens);
  addRateChecks(rates, team.rates, team.group, apiKey.plan?.limits ?? null, bounds.rateTokens);
  if (deployment) addDeploymentRateChecks(rates, deployment, bounds.rateTokens);

  // Budgets of one scope and period share one spend counter; the tightest hard limit governs it
  // (a request has a handful: a scan of the list, not a Map per request).
  const budgets: BudgetCheck[] = [];
  for (const budget of budgetsOf(input.budgets, apiKey.key.id, apiKey.team.id, input.budgetModelId ?? input.model.model.id)) {
    const period = currentPeriod(budget.period, input.now);
    const names = budgetNames(budget);
    if (names.periodKey !== period.key) {
      names.periodKey = period.key;
      names.counter = budgetCounterName(budget.scope, budget.scopeId, budget.period, period.key);
    }
    const { counter } = names;
    const limit = budget.hard ? budget.amountMicroUsd : null;
    let at = budgets.length - 1;
    while (at >= 0 && budgets[at].counter !== counter) at--;
    const existing = at === -1 ? null : budgets[at];
    if (existing && (limit === null || (existing.limit !== null && existing.limit <= limit))) continue;
    const check: BudgetCheck = {
      counter,
      group: names.group ?? team.group,
      label: names.label,
      limit,
      amount: bounds.maxCostMicroUsd,
      draws: 'all',
      expiresAtMs: budgetCounterExpiresAt(period.endsAtMs),
    };
    if (at === -1) budgets.push(check);
    else budgets[at] = check;
  }
  // Prepaid teams spend credits; bring-your-own-key providers draw none (the team pays them).
  if (apiKey.plan?.billing === 'prepaid' && !bounds.byok) {
    budgets.push({
      counter: team.credits,
      group: team.group,
      label: `prepaid credits of team ${apiKey.team.id}`,
      limit: apiKey.team.creditsGrantedMicroUsd,
      amount: bounds.maxCostMicroUsd,
      draws: 'credits',
      expiresAtMs: null,
    });
  }
  return { admission: { id: input.admissionId, rates, budgets, reservationTtlMs: input.reservationTtlMs }, bounds };
}

/** The period of each kind that `now` fell in last, kept while it lasts (periodOf makes Dates and an ISO string). */
const currentPeriods = new Map<BudgetPeriod, { key: string; endsAtMs: number | null; startsAtMs: number }>();

/** periodOf(period, now), memoised: periods are calendar-aligned, so any instant inside one has its key. */
function currentPeriod(period: BudgetPeriod, now: number): { key: string; endsAtMs: number | null } {
  const known = currentPeriods.get(period);
  if (known && now >= known.startsAtMs && (known.endsAtMs === null || now < known.endsAtMs)) return known;
  const fresh = { ...periodOf(period, now), startsAtMs: periodStart(period, now).getTime() };
  currentPeriods.set(period, fresh);
  return fresh;
}

/**
 * A snapshot's budgets by `scope:scopeId`, each with its position in the snapshot, and the lists
 * already asked for (by key id, then model id); built once per snapshot's budget list.
 */
interface BudgetIndex {
  byScope: Map<string, [number, SnapshotBudget][]>;
  found: Map<string, { teamId: string; byModel: Map<string, readonly SnapshotBudget[]> }>;
  /** Lists kept in `found`; the memo starts over past MAX_FOUND. */
  size: number;
}
const budgetIndexes = new WeakMap<readonly SnapshotBudget[], BudgetIndex>();
const MAX_FOUND = 100_000;

/**
 * The budgets of this key, team and model, in snapshot order (which decides the order of the
 * counters, and so which one a refusal names), without walking every budget of the snapshot;
 * each (key, team, model) is looked up once per budget list.
 */
function budgetsOf(all: readonly SnapshotBudget[], keyId: string, teamId: string, modelId: string): readonly SnapshotBudget[] {
  let index = budgetIndexes.get(all);
  if (!index) {
    const byScope = new Map<string, [number, SnapshotBudget][]>();
    all.forEach((budget, position) => {
      const id = `${budget.scope}:${budget.scopeId}`;
      const list = byScope.get(id);
      if (list) list.push([position, budget]);
      else byScope.set(id, [[position, budget]]);
    });
    budgetIndexes.set(all, (index = { byScope, found: new Map(), size: 0 }));
  }
  const forKey = index.found.get(keyId);
  let byModel = forKey?.teamId === teamId ? forKey.byModel : undefined;
  const known = byModel?.get(modelId);
  if (known) return known;
  const { byScope } = index;
  const found = [...(byScope.get(`key:${keyId}`) ?? []), ...(byScope.get(`team:${teamId}`) ?? []), ...(byScope.get(`model:${modelId}`) ?? [])];
  if (found.length > 1) found.sort((a, b) => a[0] - b[0]);
  const budgets = found.map(([, budget]) => budget);
  if (index.size >= MAX_FOUND) {
    index.found.clear();
    index.size = 0;
    byModel = undefined;
  }
  if (!byModel) index.found.set(keyId, { teamId, byModel: (byModel = new Map()) });
  byModel.set(modelId, budgets);
  index.size++;
  return budgets;
}

/** Whether the deployment sets any rate limit of its own. */
export function hasDeploymentLimits({ deployment: { limits } }: CompiledTarget): boolean {
  return limits.rpm !== null || limits.tpm !== null || limits.maxParallel !== null;
}

/** A deployment's own rpm / tpm / parallel for one attempt; null when it sets none (nothing to ask the store). */
export function deploymentAdmission(target: CompiledTarget, rateTokens: () => number, admissionId: string, reservationTtlMs: number): Admission | null {
  if (!hasDeploymentLimits(target)) return null;
  const rates: RateCheck[] = [];
  addDeploymentRateChecks(rates, target, rateTokens());
  return { id: admissionId, rates, budgets: [], reservationTtlMs };
}

const addDeploymentRateChecks = (checks: RateCheck[], target: CompiledTarget, tokens: number) => {
  const names = deploymentNames(target.deployment);
  addRateChecks(checks, names.rates, names.group, target.deployment.limits, tokens);
};

/** Appends the checks `limits` sets (none when null) to `checks`: one array per admission, not one per scope. */
function addRateChecks(checks: RateCheck[], names: RateNames, group: string, limits: SnapshotLimits | null, tokens: number): void {
  if (!limits) return;
  const { scope } = names;
  if (limits.rpm !== null) checks.push({ counter: names.rpm, group, scope, kind: 'rpm', limit: limits.rpm, cost: 1 });
  // A request bigger than the whole limit still runs once the bucket is full, never sooner.
  if (limits.tpm !== null) checks.push({ counter: names.tpm, group, scope, kind: 'tpm', limit: limits.tpm, cost: Math.min(tokens, limits.tpm) });
  if (limits.maxParallel !== null) checks.push({ counter: names.parallel, group, scope, kind: 'parallel', limit: limits.maxParallel, cost: 1 });
}

/**
 * The counter names (and groups, labels) of a snapshot's key, team, deployment or budget, built
 * on first use and kept with that object (a new snapshot's objects get their own): each request
 * used to build them again, a few hundred bytes of strings per request.
 */
function namesOn<TOwner extends object, TNames>(make: (owner: TOwner) => TNames): (owner: TOwner) => TNames {
  const known = new WeakMap<TOwner, TNames>();
  return (owner) => {
    let names = known.get(owner);
    if (names === undefined) known.set(owner, (names = make(owner)));
    return names;
  };
}

interface RateNames {
  scope: RateScope;
  rpm: string;
  tpm: string;
  parallel: string;
}
const rateNames = (scope: RateScope, id: string): RateNames => ({
  scope,
  rpm: `rl:${scope}:${id}:rpm`,
  tpm: `rl:${scope}:${id}:tpm`,
  parallel: `rl:${scope}:${id}:parallel`,
});
const keyRateNames = namesOn((key: { id: string }) => rateNames('key', key.id));
const teamNames = namesOn((team: SnapshotTeam) => ({
  group: teamCounterGroup(team.id),
  credits: creditsCounterName(team.id),
  rates: rateNames('team', team.id),
}));
const deploymentNames = namesOn((deployment: SnapshotDeployment) => ({
  group: deploymentCounterGroup(deployment.id),
  rates: rateNames('deployment', deployment.id),
}));
/** A budget's counter is its period's: rebuilt when the period changes. `group` null: the team's. */
const budgetNames = namesOn((budget: SnapshotBudget) => ({
  label: `${budget.scope} budget ${budget.id} (${budget.period})`,
  group: budget.scope === 'model' ? modelCounterGroup(budget.scopeId) : null,
  periodKey: '',
  counter: '',
}));
