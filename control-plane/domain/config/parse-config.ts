import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { DomainError } from '../errors.ts';
import { guardrailSecretKey } from './config-guardrails.ts';
import { ConfigFile, ENV_REFERENCE, KEY_FIELD, SECTIONS } from './config-schema.ts';

/** One problem in a config file, at its place in the text (1-based line and column). */
export interface ConfigIssue {
  line: number;
  column: number;
  /** Where in the document, e.g. `models.2.deployments.0.provider`. */
  path: string;
  message: string;
}

/** A config file that cannot be applied. Nothing of it was applied. */
export class ConfigFileError extends DomainError {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((issue) => `line ${issue.line}, column ${issue.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n'));
    this.name = 'ConfigFileError';
  }
}

export interface ParseOptions {
  /** Values of the environment variables the file references (`${NAME}`). */
  env: Record<string, string | undefined>;
  /** Accept literal secrets in the file (off by default: a file lives in git). */
  allowLiteralSecrets?: boolean;
}

export interface ParsedConfig {
  config: ConfigFile;
  /** Provider name -> its credential, resolved from the environment. */
  secrets: Map<string, string>;
  /** The place of the object at a document path (for errors found while applying). */
  locate(path: (string | number)[]): { line: number; column: number };
}

/** Parses, validates and resolves a config file; every problem is reported at once, with its place. */
export function parseConfig(text: string, options: ParseOptions): ParsedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const locate = (path: (string | number)[]) => at(rangeOf(doc, path));

  if (doc.errors.length > 0) {
    throw new ConfigFileError(doc.errors.map((error) => ({ ...at(error.pos[0]), path: '', message: error.message.split('\n')[0] })));
  }
  const parsed = ConfigFile.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new ConfigFileError(
      parsed.error.issues.map((issue) => ({ ...locate(issue.path as (string | number)[]), path: issue.path.join('.'), message: issue.message })),
    );
  }
  const config = parsed.data;
  const issues: ConfigIssue[] = [];
  const issue = (path: (string | number)[], message: string) => issues.push({ ...locate(path), path: path.join('.'), message });

  for (const section of SECTIONS) {
    const seen = new Set<string>();
    (config[section] as Record<string, unknown>[]).forEach((item, index) => {
      const key = String(item[KEY_FIELD[section]]);
      if (seen.has(key)) issue([section, index, KEY_FIELD[section]], `"${key}" appears twice in ${section}`);
      seen.add(key);
    });
  }
  config.models.forEach((model, index) => {
    const seen = new Set<string>();
    model.deployments.forEach((deployment, d) => {
      const key = `${deployment.provider}/${deployment.upstreamModel}`;
      if (seen.has(key)) issue(['models', index, 'deployments', d], `deployment ${key} appears twice`);
      seen.add(key);
    });
    duplicatePeriods(model.budgets, (b) => issue(['models', index, 'budgets', b], 'one budget per period'));
  });
  config.teams.forEach((team, index) => duplicatePeriods(team.budgets, (b) => issue(['teams', index, 'budgets', b], 'one budget per period')));

  const secrets = new Map<string, string>();
  config.providers.forEach((provider, index) => {
    if (provider.apiKey === null) return;
    const reference = ENV_REFERENCE.exec(provider.apiKey);
    if (!reference) {
      if (options.allowLiteralSecrets) secrets.set(provider.name, provider.apiKey);
      else issue(['providers', index, 'apiKey'], 'a secret must be an ${ENV_VAR} reference (literal secrets need allowLiteralSecrets)');
      return;
    }
    const value = options.env[reference[1]];
    if (value === undefined || value === '') issue(['providers', index, 'apiKey'], `environment variable ${reference[1]} is not set`);
    else secrets.set(provider.name, value);
  });
  const ownersOf = [
    ...config.plans.map((plan, index) => ({ owner: `plan:${plan.name}`, rails: plan.guardrails, path: ['plans', index] as (string | number)[] })),
    ...config.teams.map((team, index) => ({ owner: `team:${team.slug}`, rails: team.guardrails, path: ['teams', index] as (string | number)[] })),
  ];
  for (const { owner, rails, path } of ownersOf) {
    const names = new Set<string>();
    rails.forEach((rail, index) => {
      const at = [...path, 'guardrails', index];
      if (names.has(rail.name)) issue([...at, 'name'], `guardrail "${rail.name}" appears twice`);
      names.add(rail.name);
      if (rail.webhookSecret === null) return;
      const reference = ENV_REFERENCE.exec(rail.webhookSecret);
      if (!reference) {
        if (options.allowLiteralSecrets) secrets.set(guardrailSecretKey(owner, rail.name), rail.webhookSecret);
        else issue([...at, 'webhookSecret'], 'a secret must be an ${ENV_VAR} reference (literal secrets need allowLiteralSecrets)');
        return;
      }
      const value = options.env[reference[1]];
      if (value === undefined || value === '') issue([...at, 'webhookSecret'], `environment variable ${reference[1]} is not set`);
      else secrets.set(guardrailSecretKey(owner, rail.name), value);
    });
  }
  if (issues.length > 0) throw new ConfigFileError(issues);
  return { config, secrets, locate };
}

function duplicatePeriods(budgets: { period: string }[], report: (index: number) => void) {
  const seen = new Set<string>();
  budgets.forEach((budget, index) => {
    if (seen.has(budget.period)) report(index);
    seen.add(budget.period);
  });
}

/** The start offset of the deepest node on `path` that exists (the document start if none). */
function rangeOf(doc: Document, path: (string | number)[]): number {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
    // A missing key: point at the key's pair in its parent map, if the parent exists.
  }
  return doc.contents?.range?.[0] ?? 0;
}

/** Every `${NAME}` the text references, so a client can send just those variables. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1]);
  return [...names].sort();
}
