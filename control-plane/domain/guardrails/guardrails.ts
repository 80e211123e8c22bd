import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { guardrailSecretBinding } from '../../../shared/snapshot/guardrail.ts';
import type { GraphQLContext } from '../../context.ts';
import { canReadTeam, requirePlatformAdmin, requireTeamRole } from '../access.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { id } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { validate } from '../validate.ts';
import { checkOf, fieldsOf, GuardrailFields } from './guardrail-input.ts';

export const CreateGuardrailInput = GuardrailFields.extend({
  teamId: id.nullish().describe("A team's guardrail (its admins). Give exactly one of teamId and planId."),
  planId: id.nullish().describe("A plan's guardrail (platform admin): it applies to every team on the plan."),
});

export const UpdateGuardrailInput = GuardrailFields.partial();

type GuardrailRow = Prisma.GuardrailGetPayload<object>;

/** Who may change a guardrail: its team's admins, or the platform admin for a plan's. */
function requireOwner(ctx: GraphQLContext, owner: { teamId: string | null; planId: string | null }, entityId: string): void {
  if (owner.teamId) requireTeamRole(ctx.principal, owner.teamId, 'admin', 'Guardrail', entityId);
  else if (ctx.principal.kind !== 'admin') throw new NotFoundError('Guardrail', entityId);
}

/** Audit changes: the check's settings, never the webhook secret. */
function auditChanges(fields: Record<string, unknown>) {
  const { webhookSecret, ...rest } = fields;
  return webhookSecret ? { ...rest, webhookSecret: '[redacted]' } : rest;
}

export async function createGuardrail(ctx: GraphQLContext, input: unknown) {
  const data = validate(CreateGuardrailInput, input);
  if (Boolean(data.teamId) === Boolean(data.planId)) throw new ValidationError([{ path: 'teamId', message: 'give exactly one of teamId and planId' }]);
  if (data.teamId) requireTeamRole(ctx.principal, data.teamId, 'admin', 'Team', data.teamId);
  else requirePlatformAdmin(ctx.principal);
  const { check, issues } = checkOf(data, false);
  if (!check) throw new ValidationError(issues);
  return runMutation(ctx, 'createGuardrail', async (tx) => {
    await requireOwnerExists(tx, data.teamId ?? null, data.planId ?? null);
    const guardrailId = randomUUID();
    const guardrail = await tx.guardrail.create({
      data: {
        id: guardrailId,
        name: data.name,
        teamId: data.teamId ?? null,
        planId: data.planId ?? null,
        stage: data.stage,
        streamMode: data.streamMode,
        kind: data.kind,
        config: check,
        secretCiphertext: data.webhookSecret ? ctx.secretBox.seal(data.webhookSecret, guardrailSecretBinding(guardrailId)) : null,
      },
    });
    return { result: guardrail, audit: { entity: 'Guardrail', entityId: guardrail.id, teamId: guardrail.teamId, changes: auditChanges(data) } };
  });
}

/** Changes some fields; the others keep their values, and the whole is validated again. */
export async function updateGuardrail(ctx: GraphQLContext, guardrailId: string, input: unknown) {
  const changes = validate(UpdateGuardrailInput, input);
  return runMutation(ctx, 'updateGuardrail', async (tx) => {
    const existing = await findOwned(ctx, tx, guardrailId);
    const kindChanged = changes.kind !== undefined && changes.kind !== existing.kind;
    // A new kind starts from its own settings only.
    const merged = validate(GuardrailFields, {
      ...(kindChanged ? { name: existing.name, stage: existing.stage, streamMode: existing.streamMode } : fieldsOf(existing)),
      ...defined(changes),
    });
    const { check, issues } = checkOf(merged, existing.secretCiphertext !== null && !kindChanged);
    if (!check) throw new ValidationError(issues);
    const guardrail = await tx.guardrail.update({
      where: { id: guardrailId },
      data: {
        name: merged.name,
        stage: merged.stage,
        streamMode: merged.streamMode,
        kind: merged.kind,
        config: check,
        secretCiphertext:
          merged.kind !== 'webhook'
            ? null
            : changes.webhookSecret
              ? ctx.secretBox.seal(changes.webhookSecret, guardrailSecretBinding(guardrailId))
              : existing.secretCiphertext,
      },
    });
    return { result: guardrail, audit: { entity: 'Guardrail', entityId: guardrailId, teamId: guardrail.teamId, changes: auditChanges(changes) } };
  });
}

export async function deleteGuardrail(ctx: GraphQLContext, guardrailId: string) {
  return runMutation(ctx, 'deleteGuardrail', async (tx) => {
    const existing = await findOwned(ctx, tx, guardrailId);
    await tx.guardrail.delete({ where: { id: guardrailId } });
    return { result: guardrailId, audit: { entity: 'Guardrail', entityId: guardrailId, teamId: existing.teamId, changes: { name: existing.name } } };
  });
}

/** A team's guardrails (its members), or a plan's (platform admin). */
export async function listGuardrails(ctx: GraphQLContext, owner: { teamId: string | null; planId: string | null }) {
  if (Boolean(owner.teamId) === Boolean(owner.planId)) throw new ValidationError([{ path: 'teamId', message: 'give exactly one of teamId and planId' }]);
  if (owner.planId) requirePlatformAdmin(ctx.principal);
  else if (!canReadTeam(ctx.principal, owner.teamId)) return [];
  return ctx.prisma.guardrail.findMany({ where: owner.planId ? { planId: owner.planId } : { teamId: owner.teamId }, orderBy: { name: 'asc' } });
}

async function findOwned(ctx: GraphQLContext, tx: Tx, guardrailId: string): Promise<GuardrailRow> {
  const existing = await tx.guardrail.findUnique({ where: { id: guardrailId } });
  if (!existing) throw new NotFoundError('Guardrail', guardrailId);
  requireOwner(ctx, existing, guardrailId);
  return existing;
}

async function requireOwnerExists(tx: Tx, teamId: string | null, planId: string | null): Promise<void> {
  if (teamId && !(await tx.team.findUnique({ where: { id: teamId }, select: { id: true } }))) throw new NotFoundError('Team', teamId);
  if (planId && !(await tx.plan.findUnique({ where: { id: planId }, select: { id: true } }))) throw new NotFoundError('Plan', planId);
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
