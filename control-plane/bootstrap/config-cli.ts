/**
 * `npm run config -- <command>`: config as code against a running control plane, through its
 * GraphQL API (docs/config-as-code.md). A tool entry point, so it reads its own environment:
 *   CONTROL_PLANE_URL  default http://127.0.0.1:4000/graphql
 *   TOLLGATE_ADMIN_KEY the platform admin key (required for export and apply)
 * and, for apply, the variables the file references as ${NAME} (only those are sent).
 *
 *   export                      the whole configuration as YAML, on stdout
 *   apply <file> [--dry-run] [--prune] [--allow-literal-secrets]
 *   schema                      the JSON Schema of the file, on stdout
 */
import { readFile } from 'node:fs/promises';
import { configJsonSchema } from '../domain/config/config-schema.ts';
import { referencedVariables } from '../domain/config/parse-config.ts';

const USAGE = 'usage: npm run config -- export | apply <file> [--dry-run] [--prune] [--allow-literal-secrets] | schema';

const APPLY = `mutation Apply($input: ApplyConfigInput!) {
  applyConfig(input: $input) {
    __typename
    ... on MutationApplyConfigSuccess { data { changes applied } }
    ... on ConfigFileError { issues { line column path message } }
    ... on Error { message }
  }
}`;

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<any>;

function client(): Gql | null {
  const url = process.env.CONTROL_PLANE_URL || 'http://127.0.0.1:4000/graphql';
  const adminKey = process.env.TOLLGATE_ADMIN_KEY;
  if (!adminKey) return null;
  return async (query, variables) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'schema') {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (command !== 'export' && command !== 'apply') {
    console.error(USAGE);
    return 2;
  }
  const gql = client();
  if (!gql) {
    console.error('TOLLGATE_ADMIN_KEY is required (the platform admin key)');
    return 2;
  }
  if (command === 'export') {
    process.stdout.write((await gql('{ exportConfig }')).exportConfig);
    return 0;
  }
  const flags = new Set(rest.filter((arg) => arg.startsWith('--')));
  const files = rest.filter((arg) => !arg.startsWith('--'));
  const unknown = [...flags].filter((flag) => !['--dry-run', '--prune', '--allow-literal-secrets'].includes(flag));
  if (files.length !== 1 || unknown.length > 0) {
    console.error(unknown.length ? `unknown option ${unknown.join(', ')}\n${USAGE}` : USAGE);
    return 2;
  }
  const yaml = await readFile(files[0], 'utf8');
  const env = referencedVariables(yaml)
    .filter((name) => process.env[name] !== undefined)
    .map((name) => ({ name, value: process.env[name]! }));
  const input = { yaml, env, dryRun: flags.has('--dry-run'), prune: flags.has('--prune'), allowLiteralSecrets: flags.has('--allow-literal-secrets') };
  const result = (await gql(APPLY, { input })).applyConfig;
  if (result.__typename === 'ConfigFileError') {
    for (const issue of result.issues) console.error(`${files[0]}:${issue.line}:${issue.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
    console.error('nothing was applied');
    return 1;
  }
  if (result.__typename !== 'MutationApplyConfigSuccess') {
    console.error(`${result.__typename}: ${result.message}`);
    return 1;
  }
  const { changes, applied } = result.data as { changes: string[]; applied: boolean };
  for (const line of changes) console.log(line);
  console.log(changes.length === 0 ? 'no changes' : applied ? `applied ${changes.length} change(s)` : `dry run: ${changes.length} change(s), nothing applied`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
