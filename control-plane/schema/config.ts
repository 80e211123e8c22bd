import { applyConfig, exportConfig } from '../domain/config/apply-config.ts';
import { ConfigFileError } from '../domain/config/parse-config.ts';
import { builder } from './builder.ts';
import { ErrorInterface, withDomainErrors } from './errors.ts';

const ConfigIssue = builder.objectRef<{ line: number; column: number; path: string; message: string }>('ConfigIssue').implement({
  description: 'A problem in a config file, at its place in the text.',
  fields: (t) => ({
    line: t.exposeInt('line', { description: '1-based.' }),
    column: t.exposeInt('column', { description: '1-based.' }),
    path: t.exposeString('path', { description: 'Where in the document, e.g. `models.2.deployments.0.provider`.' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ConfigFileError, {
  name: 'ConfigFileError',
  description: 'The file cannot be applied; nothing of it was.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ issues: t.field({ type: [ConfigIssue], resolve: (error) => error.issues }) }),
});

const ConfigApplyResult = builder.objectRef<{ changes: string[]; applied: boolean }>('ConfigApplyResult').implement({
  fields: (t) => ({
    changes: t.exposeStringList('changes', { description: 'The diff: `+ model x`, `~ team y: name: "a" -> "b"`, `- plan z` (prune).' }),
    applied: t.exposeBoolean('applied', { description: 'False for a dry run, or when nothing differed.' }),
  }),
});

const EnvVarInput = builder.inputType('EnvVarInput', {
  description: 'The value of one `${NAME}` reference of the file.',
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true }) }),
});

const ApplyConfigInput = builder.inputType('ApplyConfigInput', {
  fields: (t) => ({
    yaml: t.string({ required: true, description: 'The config file (docs/config-as-code.md).' }),
    env: t.field({ type: [EnvVarInput], description: 'Values of the environment variables the file references.' }),
    dryRun: t.boolean({ description: 'Only report the diff.' }),
    prune: t.boolean({ description: 'Also delete what the file does not have.' }),
    allowLiteralSecrets: t.boolean({ description: 'Accept provider credentials written in the file itself.' }),
  }),
});

builder.queryFields((t) => ({
  exportConfig: t.string({
    description: 'Platform admin. The whole configuration as a config file (YAML); credentials as ${ENV_VAR} references.',
    resolve: (_root, _args, ctx) => withDomainErrors(() => exportConfig(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  applyConfig: t.field({
    type: ConfigApplyResult,
    description: 'Platform admin. Applies a config file in one transaction, idempotently, with audit and one snapshot.',
    args: { input: t.arg({ type: ApplyConfigInput, required: true }) },
    errors: { types: [ConfigFileError] },
    resolve: (_root, { input }, ctx) =>
      applyConfig(ctx, {
        yaml: input.yaml,
        env: Object.fromEntries((input.env ?? []).map((v) => [v.name, v.value])),
        dryRun: input.dryRun ?? false,
        prune: input.prune ?? false,
        allowLiteralSecrets: input.allowLiteralSecrets ?? false,
      }),
  }),
}));
