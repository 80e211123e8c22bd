import type { Principal } from '../context.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

/**
 * Authorization rules, in one place. Every domain function calls these before it reads or writes:
 * resolvers never decide. The rule that matters most: an object of another team answers exactly
 * like a missing one (NotFoundError, or absence from a list), so ids cannot be probed.
 */

export const TEAM_ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

// What each role may do within its own team (each includes the ones before it): viewer reads;
// member also manages API keys; admin also the team's settings, own providers and deployments,
// key budgets, members up to admin and the audit log; owner also owners. Platform objects are the
// platform admin's alone. The table with examples is in docs/control-plane.md.
const rank = (role: TeamRole) => TEAM_ROLES.indexOf(role);

/** Whether `role` is `minimum` or above. */
export const roleAtLeast = (role: TeamRole, minimum: TeamRole) => rank(role) >= rank(minimum);

/**
 * The team a principal is confined to; `null` for the platform admin (no confinement). An
 * anonymous principal never reaches a resolver, but gets an id that matches nothing to be safe.
 */
export function confinedTeamId(principal: Principal): string | null {
  if (principal.kind === 'admin') return null;
  if (principal.kind === 'member') return principal.teamId;
  return 'anonymous:matches-no-team';
}

/** Whether the principal may read objects of `teamId` (null: a platform object). */
export function canReadTeam(principal: Principal, teamId: string | null): boolean {
  const confined = confinedTeamId(principal);
  return confined === null || (teamId !== null && teamId === confined);
}

/**
 * Passes when the principal may act on an object of `teamId` with at least `minimum` role.
 * Another team's object (or a platform object, `teamId` null) is reported as not found; an own
 * object with too small a role as forbidden.
 */
export function requireTeamRole(principal: Principal, teamId: string | null, minimum: TeamRole, entity: string, id: string): void {
  if (principal.kind === 'admin') return;
  if (principal.kind !== 'member' || teamId === null || principal.teamId !== teamId) throw new NotFoundError(entity, id);
  if (!roleAtLeast(principal.role, minimum)) throw new ForbiddenError(`the ${principal.role} role may not do this; it needs ${minimum} or above`);
}

/** Platform-wide operations (plans, models, platform providers, credits): the admin key only. */
export function requirePlatformAdmin(principal: Principal): void {
  if (principal.kind !== 'admin') throw new ForbiddenError('only the platform admin may do this');
}

/** Whether `role` may be granted by `principal` (owners make owners; admins make up to admin). */
export function canAssignRole(principal: Principal, role: TeamRole): boolean {
  if (principal.kind === 'admin') return true;
  if (principal.kind !== 'member') return false;
  return principal.role === 'owner' || (principal.role === 'admin' && rank(role) <= rank('admin'));
}

/** The actor as recorded in the audit log and the credit ledger. */
export function actorOf(principal: Principal): { actorKind: 'admin' | 'member'; actorId: string | null; label: string } {
  if (principal.kind === 'member') return { actorKind: 'member', actorId: principal.memberId, label: `member:${principal.memberId}` };
  return { actorKind: 'admin', actorId: null, label: 'admin' };
}
