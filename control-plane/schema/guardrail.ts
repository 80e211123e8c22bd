import { GUARDRAIL_STAGES, GUARDRAIL_STREAM_MODES, PII_ENTITIES } from '../../shared/snapshot/guardrail.ts';
import { GUARDRAIL_KINDS, type StoredCheck } from '../domain/guardrails/guardrail-input.ts';
import {
  CreateGuardrailInput as CreateGuardrailSchema,
  createGuardrail,
  deleteGuardrail,
  listGuardrails,
  UpdateGuardrailInput as UpdateGuardrailSchema,
  updateGuardrail,
} from '../domain/guardrails/guardrails.ts';
import { builder } from './builder.ts';
import { enumFrom } from './common.ts';
import { withDomainErrors } from './errors.ts';
import { inputTypeFrom } from './zod-input.ts';

const GuardrailStage = enumFrom('GuardrailStage', GUARDRAIL_STAGES, 'PRE: the prompt, before any upstream call; POST: the answer; BOTH.');
const GuardrailStreamMode = enumFrom(
  'GuardrailStreamMode',
  GUARDRAIL_STREAM_MODES,
  'How POST checks see a stream. BUFFER: the whole answer is checked before its first byte (costs time to first token; a block is a 400). FLOW: checked as it streams; a block ends the stream with the error event.',
);
const GuardrailKind = enumFrom(
  'GuardrailKind',
  GUARDRAIL_KINDS,
  'DENY_LIST: RE2 patterns and keywords; PII: mask or block personal data; MAX_PROMPT_TOKENS; IMAGE_MODELS: models that may receive images; WEBHOOK: an HMAC-signed POST that allows, blocks or modifies.',
);
const PiiAction = enumFrom(
  'PiiAction',
  ['mask', 'block'],
  'MASK rewrites what is found before the prompt leaves (PRE only); BLOCK refuses the request or answer.',
);
const PiiEntity = enumFrom(
  'PiiEntity',
  PII_ENTITIES,
  'Personal data PII guardrails find: e-mail addresses, phone numbers, card numbers (Luhn), IBANs, API-key-shaped strings.',
);

/** A stored check's field, or null when the guardrail is of another kind. */
const ofKind =
  <K extends StoredCheck['kind'], T>(kind: K, read: (check: Extract<StoredCheck, { kind: K }>) => T) =>
  (row: { config: unknown }) => {
    const check = row.config as StoredCheck;
    return check.kind === kind ? read(check as Extract<StoredCheck, { kind: K }>) : null;
  };

builder.prismaObject('Guardrail', {
  description:
    "A pre-call and/or post-call check on a plan's or a team's requests (docs/guardrails.md). A webhook's secret is stored sealed and never returned.",
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    teamId: t.exposeID('teamId', { nullable: true }),
    planId: t.exposeID('planId', { nullable: true }),
    stage: t.field({ type: GuardrailStage, resolve: (row) => row.stage }),
    streamMode: t.field({ type: GuardrailStreamMode, resolve: (row) => row.streamMode }),
    kind: t.field({ type: GuardrailKind, resolve: (row) => row.kind }),
    denyPatterns: t.stringList({ nullable: true, resolve: ofKind('deny_list', (check) => check.patterns) }),
    denyKeywords: t.stringList({ nullable: true, resolve: ofKind('deny_list', (check) => check.keywords) }),
    piiAction: t.field({ type: PiiAction, nullable: true, resolve: ofKind('pii', (check) => check.action) }),
    piiEntities: t.field({ type: [PiiEntity], nullable: true, resolve: ofKind('pii', (check) => check.entities) }),
    maxPromptTokens: t.int({ nullable: true, resolve: ofKind('max_prompt_tokens', (check) => check.maxTokens) }),
    imageModels: t.stringList({ nullable: true, resolve: ofKind('image_models', (check) => check.allowedModels) }),
    webhookUrl: t.string({ nullable: true, resolve: ofKind('webhook', (check) => check.url) }),
    webhookTimeoutMs: t.int({ nullable: true, resolve: ofKind('webhook', (check) => check.timeoutMs) }),
    webhookFailOpen: t.boolean({ nullable: true, resolve: ofKind('webhook', (check) => check.failOpen) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreateGuardrailInput = inputTypeFrom('CreateGuardrailInput', CreateGuardrailSchema);

const UpdateGuardrailInput = inputTypeFrom('UpdateGuardrailInput', UpdateGuardrailSchema, {
  description: 'Fields to change; the others keep their values. Changing the kind starts its settings afresh.',
});

builder.queryFields((t) => ({
  guardrails: t.prismaField({
    type: ['Guardrail'],
    description: "A team's guardrails (its members), or a plan's (platform admin). Give exactly one of teamId and planId.",
    args: { teamId: t.arg.id(), planId: t.arg.id() },
    resolve: (_query, _root, args, ctx) =>
      withDomainErrors(() => listGuardrails(ctx, { teamId: args.teamId ? String(args.teamId) : null, planId: args.planId ? String(args.planId) : null })),
  }),
}));

builder.mutationFields((t) => ({
  createGuardrail: t.prismaField({
    type: 'Guardrail',
    args: { input: t.arg({ type: CreateGuardrailInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => createGuardrail(ctx, args.input),
  }),
  updateGuardrail: t.prismaField({
    type: 'Guardrail',
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateGuardrailInput, required: true }) },
    errors: {},
    resolve: (_query, _root, args, ctx) => updateGuardrail(ctx, String(args.id), args.input),
  }),
  deleteGuardrail: t.field({
    type: 'ID',
    args: { id: t.arg.id({ required: true }) },
    errors: {},
    resolve: (_root, args, ctx) => deleteGuardrail(ctx, String(args.id)),
  }),
}));
