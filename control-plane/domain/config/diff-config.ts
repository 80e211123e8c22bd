import { DEFAULT_BASE_URLS } from '../providers/providers.ts';
import { type ConfigGuardrail, comparableGuardrails } from './config-guardrails.ts';
import type { ConfigBudget, ConfigDeployment, ConfigFile, ConfigModel, ConfigProvider, ConfigRouting, ConfigTeam, Section } from './config-schema.ts';
import { KEY_FIELD, SECTIONS } from './config-schema.ts';

/** One field that differs: its name, the value in the database and the value in the file. */
export type FieldChange = [field: string, before: unknown, after: unknown];

/** What applying a file does to one object. `path` is the object's place in the file (for errors). */
export type Change =
  | { op: 'create' | 'update' | 'delete'; target: 'object'; section: Section; key: string; path: (string | number)[]; fields: FieldChange[]; item: any }
  | {
      op: 'create' | 'update' | 'delete';
      target: 'deployment';
      model: string;
      key: string;
      path: (string | number)[];
      fields: FieldChange[];
      item: ConfigDeployment;
    }
  | { op: 'create' | 'update' | 'delete'; target: 'routing'; key: 'platform'; path: ['routing']; fields: FieldChange[]; item: ConfigRouting | null }
  | {
      op: 'create' | 'update' | 'delete';
      target: 'budget';
      scope: 'team' | 'model';
      owner: string;
      key: string;
      path: (string | number)[];
      fields: FieldChange[];
      item: ConfigBudget;
    };

const LABEL: Record<Section, string> = {
  routingProfiles: 'routing profile',
  providers: 'provider',
  models: 'model',
  fallbackChains: 'fallback chain',
  plans: 'plan',
  teams: 'team',
};

/** Fields compared per section; nested collections (deployments, budgets) are diffed item by item. */
const NESTED = new Set(['deployments', 'budgets']);

export interface DiffInput {
  current: ConfigFile;
  desired: ConfigFile;
  /** Provider name -> the credential stored now (decrypted), and the one the file gives. */
  storedSecrets: Map<string, string>;
  fileSecrets: Map<string, string>;
  /** Delete what the file does not have (objects, deployments, budgets). */
  prune: boolean;
}

/** Every change that makes the database say what the file says; empty when they agree. */
export function diffConfig(input: DiffInput): Change[] {
  const { current, desired, prune } = input;
  const changes: Change[] = [];
  routingChange(changes, current.routing, desired.routing, prune);
  for (const section of SECTIONS) {
    const keyOf = (item: any) => String(item[KEY_FIELD[section]]);
    const before = new Map((current[section] as any[]).map((item) => [keyOf(item), item]));
    (desired[section] as any[]).forEach((rawItem, index) => {
      const item = section === 'providers' ? withDefaultBaseUrl(rawItem) : rawItem;
      const key = keyOf(item);
      const path = [section, index];
      const old = before.get(key);
      before.delete(key);
      if (!old) {
        changes.push({ op: 'create', target: 'object', section, key, path, fields: [], item });
      } else {
        const fields = fieldChanges(old, item, section === 'models' ? ['price'] : []);
        if (section === 'models' && item.price === null) dropField(fields, 'price'); // absent price: left as it is
        if (section === 'providers') secretChange(fields, key, input);
        if (fields.length > 0) changes.push({ op: 'update', target: 'object', section, key, path, fields, item });
      }
      if (section === 'models') nestedModelChanges(changes, old as ConfigModel | undefined, item as ConfigModel, path, prune);
      if (section === 'teams')
        budgetChanges(changes, 'team', key, (old as ConfigTeam | undefined)?.budgets ?? [], (item as ConfigTeam).budgets, [...path, 'budgets'], prune);
    });
    if (prune) for (const [key, item] of before) changes.push({ op: 'delete', target: 'object', section, key, path: [section], fields: [], item });
  }
  return changes;
}

/** The routing defaults: set, changed field by field, or (absent from the file, with --prune) unset. */
function routingChange(changes: Change[], stored: ConfigRouting | null, wanted: ConfigRouting | null, prune: boolean) {
  const base = { target: 'routing' as const, key: 'platform' as const, path: ['routing'] as ['routing'] };
  if (wanted === null) {
    if (prune && stored !== null) changes.push({ ...base, op: 'delete', fields: [], item: null });
  } else if (stored === null) changes.push({ ...base, op: 'create', fields: [], item: wanted });
  else {
    const fields = fieldChanges(stored, wanted);
    if (fields.length > 0) changes.push({ ...base, op: 'update', fields, item: wanted });
  }
}

function withDefaultBaseUrl(provider: ConfigProvider): ConfigProvider {
  // As createProvider stores it: the kind's default when absent, trailing slashes dropped.
  const baseUrl = provider.baseUrl ?? DEFAULT_BASE_URLS[provider.kind] ?? null;
  return { ...provider, baseUrl: baseUrl && provider.kind !== 'mock' ? baseUrl.replace(/\/+$/, '') : baseUrl };
}

function secretChange(fields: FieldChange[], provider: string, input: DiffInput) {
  dropField(fields, 'apiKey');
  const stored = input.storedSecrets.get(provider) ?? null;
  const given = input.fileSecrets.get(provider) ?? null;
  // Values are never shown: only that the credential is set, removed or replaced.
  if (stored !== given) fields.push(['apiKey', stored === null ? null : '(set)', given === null ? null : '(changed)']);
}

function dropField(fields: FieldChange[], name: string) {
  const index = fields.findIndex(([field]) => field === name);
  if (index >= 0) fields.splice(index, 1);
}

function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>, always: string[] = []): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of Object.keys(after)) {
    if (NESTED.has(field) && !always.includes(field)) continue;
    const [was, will] =
      field === 'guardrails' ? [before[field], after[field]].map((g) => comparableGuardrails((g ?? []) as ConfigGuardrail[])) : [before[field], after[field]];
    if (JSON.stringify(was) !== JSON.stringify(will)) out.push([field, was, will]);
  }
  return out;
}

function nestedModelChanges(changes: Change[], old: ConfigModel | undefined, model: ConfigModel, path: (string | number)[], prune: boolean) {
  const deploymentKey = (d: ConfigDeployment) => `${d.provider}/${d.upstreamModel}`;
  const before = new Map((old?.deployments ?? []).map((d) => [deploymentKey(d), d]));
  model.deployments.forEach((deployment, index) => {
    const key = deploymentKey(deployment);
    const existing = before.get(key);
    before.delete(key);
    const at = [...path, 'deployments', index];
    if (!existing) changes.push({ op: 'create', target: 'deployment', model: model.name, key, path: at, fields: [], item: deployment });
    else {
      const fields = fieldChanges(existing, deployment);
      if (deployment.price === null) dropField(fields, 'price'); // absent price: left as it is
      if (fields.length) changes.push({ op: 'update', target: 'deployment', model: model.name, key, path: at, fields, item: deployment });
    }
  });
  if (prune && old) for (const [key, item] of before) changes.push({ op: 'delete', target: 'deployment', model: model.name, key, path, fields: [], item });
  budgetChanges(changes, 'model', model.name, old?.budgets ?? [], model.budgets, [...path, 'budgets'], prune);
}

function budgetChanges(
  changes: Change[],
  scope: 'team' | 'model',
  owner: string,
  old: ConfigBudget[],
  budgets: ConfigBudget[],
  path: (string | number)[],
  prune: boolean,
) {
  const before = new Map(old.map((b) => [b.period as string, b]));
  budgets.forEach((budget, index) => {
    const existing = before.get(budget.period);
    before.delete(budget.period);
    const base = { target: 'budget' as const, scope, owner, key: budget.period, path: [...path, index], item: budget };
    if (!existing) changes.push({ ...base, op: 'create', fields: [] });
    else {
      const fields = fieldChanges(existing, budget);
      if (fields.length) changes.push({ ...base, op: 'update', fields });
    }
  });
  if (prune) for (const [period, item] of before) changes.push({ op: 'delete', target: 'budget', scope, owner, key: period, path, fields: [], item });
}

const show = (value: unknown) => (value === undefined ? 'null' : JSON.stringify(value));
const SIGN = { create: '+', update: '~', delete: '-' } as const;

/** The subject of a change as printed: `model gpt-4o`, `model gpt-4o deployment openai/gpt-4o`. */
export function changeSubject(change: Change): string {
  if (change.target === 'object') return `${LABEL[change.section]} ${change.key}`;
  if (change.target === 'routing') return 'routing defaults';
  if (change.target === 'deployment') return `model ${change.model} deployment ${change.key}`;
  return `${change.scope} ${change.owner} budget ${change.key}`;
}

/** The diff as printed by `--dry-run`: one line per created or deleted object, one per changed field. */
export function formatChanges(changes: Change[]): string[] {
  return changes.flatMap((change) => {
    const subject = changeSubject(change);
    if (change.op !== 'update') return [`${SIGN[change.op]} ${subject}`];
    return change.fields.map(([field, before, after]) => `~ ${subject}: ${field}: ${show(before)} -> ${show(after)}`);
  });
}
