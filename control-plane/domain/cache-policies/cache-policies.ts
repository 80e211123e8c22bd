import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client.ts';
import type { GraphQLContext, Principal } from '../../context.ts';
import { confinedTeamId, requirePlatformAdmin, requireTeamRole } from '../access.ts';
import { NotFoundError } from '../errors.ts';
import { id, microUsd } from '../fields.ts';
import { runMutation, type Tx } from '../mutate.ts';
import { validate } from '../validate.ts';

export const CACHE_POLICY_SCOPES = ['plan', 'team', 'key'] as const;
export type CachePolicyScope = (typeof CACHE_POLICY_SCOPES)[number];

/** A week: a cached answer older than that is more likely stale than useful. */
export const MAX_CACHE_TTL_SECONDS = 7 * 86_400;

export const SetCachePolicyInput = z
  .object({
    scope: z.enum(CACHE_POLICY_SCOPES),
    scopeId: id,
    /** Default true; false switches the cache off at this level whatever a wider level says. */
    enabled: z.boolean().nullish().describe('Default true.'),
    ttlSeconds: z
      .number()
      .int()
      .min(1, 'ttlSeconds must be at least 1')
      .max(MAX_CACHE_TTL_SECONDS, `ttlSeconds must be at most ${MAX_CACHE_TTL_SECONDS} (a week)`)
      .describe('1 to 604800 (a week).'),
    deterministicOnly: z.boolean().nullish().describe('Default true: only requests with temperature 0 or a seed are cached.'),
    hitPriceMicroUsd: microUsd.nullish().describe('Plan policies only: what a hit costs, integer micro-USD; default 0.'),
  })
  .refine((input) => input.scope === 'plan' || input.hitPriceMicroUsd == null, {
    path: ['hitPriceMicroUsd'],
    message: "only a plan's policy sets the price of a cache hit",
  });

interface Target {
  planId: string | null;
  teamId: string | null;
  apiKeyId: string | null;
}

/** Teams never see plan policies (platform pricing); they see their own team's and keys'. */
export function readableCachePolicies(principal: Principal): Prisma.CachePolicyWhereInput {
  const teamId = confinedTeamId(principal);
  return teamId === null ? {} : { teamId };
}

/**
 * Who may set what: a plan's policy (and its hit price) is the platform admin's; a team's or a
 * key's belongs to the team's admins. A foreign team or key is "not found" before "forbidden".
 */
async function resolveTarget(ctx: GraphQLContext, tx: Tx, scope: CachePolicyScope, scopeId: string): Promise<Target> {
  switch (scope) {
    case 'plan': {
      requirePlatformAdmin(ctx.principal);
      if (!(await tx.plan.findUnique({ where: { id: scopeId }, select: { id: true } }))) throw new NotFoundError('Plan', scopeId);
      return { planId: scopeId, teamId: null, apiKeyId: null };
    }
    case 'team': {
      requireTeamRole(ctx.principal, scopeId, 'viewer', 'Team', scopeId);
      if (!(await tx.team.findUnique({ where: { id: scopeId }, select: { id: true } }))) throw new NotFoundError('Team', scopeId);
      requireTeamRole(ctx.principal, scopeId, 'admin', 'Team', scopeId);
      return { planId: null, teamId: scopeId, apiKeyId: null };
    }
    case 'key': {
      const key = await tx.apiKey.findUnique({ where: { id: scopeId }, select: { teamId: true } });
      if (!key) throw new NotFoundError('ApiKey', scopeId);
      requireTeamRole(ctx.principal, key.teamId, 'admin', 'ApiKey', scopeId);
      return { planId: null, teamId: key.teamId, apiKeyId: scopeId };
    }
  }
}

/** Creates or replaces the cache policy of a plan, a team or a key. */
export async function setCachePolicy(ctx: GraphQLContext, input: unknown) {
  const data = validate(SetCachePolicyInput, input);
  return runMutation(ctx, 'setCachePolicy', async (tx) => {
    const target = await resolveTarget(ctx, tx, data.scope, data.scopeId);
    const values = {
      enabled: data.enabled ?? true,
      ttlSeconds: data.ttlSeconds,
      deterministicOnly: data.deterministicOnly ?? true,
      hitPriceMicroUsd: data.hitPriceMicroUsd ?? 0n,
    };
    const policy = await tx.cachePolicy.upsert({
      where: { scope_scopeId: { scope: data.scope, scopeId: data.scopeId } },
      create: { scope: data.scope, scopeId: data.scopeId, ...target, ...values },
      update: values,
    });
    return { result: policy, audit: { entity: 'CachePolicy', entityId: policy.id, teamId: policy.teamId, changes: data } };
  });
}

export async function deleteCachePolicy(ctx: GraphQLContext, policyId: string) {
  return runMutation(ctx, 'deleteCachePolicy', async (tx) => {
    const policy = await tx.cachePolicy.findUnique({ where: { id: policyId } });
    if (!policy) throw new NotFoundError('CachePolicy', policyId);
    try {
      await resolveTarget(ctx, tx, policy.scope as CachePolicyScope, policy.scopeId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('CachePolicy', policyId);
      throw error;
    }
    await tx.cachePolicy.delete({ where: { id: policyId } });
    return {
      result: policyId,
      audit: { entity: 'CachePolicy', entityId: policyId, teamId: policy.teamId, changes: { scope: policy.scope, scopeId: policy.scopeId } },
    };
  });
}
