import { timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { hashSecret } from '../../shared/keys/api-key.ts';
import type { Principal } from '../context.ts';
import { TEAM_ROLES, type TeamRole } from '../domain/access.ts';

/** Reads `Bearer <token>` from an Authorization header value. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  return match ? match[1].trim() : null;
}

/**
 * Resolves the caller from a bearer token: the platform admin key (compared by hash in constant
 * time), or a team member's management token (looked up by its hash). The token itself is never
 * stored or logged. Anything else is anonymous, and anonymous callers are refused before execution.
 */
export function createPrincipalResolver(adminKeyHash: string, prisma: Pick<PrismaClient, 'member'>) {
  const expected = Buffer.from(adminKeyHash, 'hex');
  return async (token: string | null): Promise<Principal> => {
    if (!token) return { kind: 'anonymous' };
    const hash = hashSecret(token);
    const given = Buffer.from(hash, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { kind: 'admin' };
    if (!token.startsWith('tgm_')) return { kind: 'anonymous' };
    const member = await prisma.member.findUnique({ where: { tokenHash: hash }, select: { id: true, teamId: true, role: true } });
    if (!member || !(TEAM_ROLES as readonly string[]).includes(member.role)) return { kind: 'anonymous' };
    return { kind: 'member', memberId: member.id, teamId: member.teamId, role: member.role as TeamRole };
  };
}
