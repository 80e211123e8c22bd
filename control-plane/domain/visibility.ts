import type { Prisma } from '../../generated/prisma/client.ts';
import type { Principal } from '../context.ts';
import { confinedTeamId, roleAtLeast } from './access.ts';

/**
 * Prisma `where` fragments for what a principal may read, one per entity, ANDed into every query
 * and every nested relation that can reach another team's rows. The platform admin gets `{}`.
 * Catalogue objects (models, routing profiles, fallback chains) are readable by every caller;
 * plans only by the teams on them; providers and deployments only by their owner team.
 */
export const readable = {
  team(p: Principal): Prisma.TeamWhereInput {
    const teamId = confinedTeamId(p);
    return teamId === null ? {} : { id: teamId };
  },
  apiKey: (p: Principal): Prisma.ApiKeyWhereInput => ownTeam(p),
  member: (p: Principal): Prisma.MemberWhereInput => ownTeam(p),
  creditTransaction: (p: Principal): Prisma.CreditTransactionWhereInput => ownTeam(p),
  usageEvent: (p: Principal): Prisma.UsageEventWhereInput => ownTeam(p),
  /** Model-wide budgets (teamId null) are platform business: hidden from teams. */
  budget: (p: Principal): Prisma.BudgetWhereInput => ownTeam(p),
  budgetAlert: (p: Principal): Prisma.BudgetAlertWhereInput => ownTeam(p),
  /** Platform providers are hidden from teams: their own (BYOK) providers only. */
  provider: (p: Principal): Prisma.ProviderWhereInput => ownTeam(p),
  deployment(p: Principal): Prisma.DeploymentWhereInput {
    const teamId = confinedTeamId(p);
    return teamId === null ? {} : { provider: { teamId } };
  },
  plan(p: Principal): Prisma.PlanWhereInput {
    const teamId = confinedTeamId(p);
    return teamId === null ? {} : { teams: { some: { id: teamId } } };
  },
  /** The audit log of a team: its admins and owners. */
  auditLogEntry(p: Principal): Prisma.AuditLogEntryWhereInput {
    if (p.kind === 'admin') return {};
    if (p.kind === 'member' && roleAtLeast(p.role, 'admin')) return { teamId: p.teamId };
    return { id: { in: [] } };
  },
};

function ownTeam(p: Principal): { teamId?: string } {
  const teamId = confinedTeamId(p);
  return teamId === null ? {} : { teamId };
}
