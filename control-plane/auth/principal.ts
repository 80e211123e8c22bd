import { timingSafeEqual } from 'node:crypto';
import { hashSecret } from '../../shared/keys/api-key.ts';
import type { Principal } from '../context.ts';

/** Reads `Bearer <token>` from an Authorization header value. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  return match ? match[1].trim() : null;
}

/**
 * Resolves the caller from a bearer token. Compares hashes in constant time; the token itself
 * is never stored or logged.
 */
export function createPrincipalResolver(adminKeyHash: string) {
  const expected = Buffer.from(adminKeyHash, 'hex');
  return (token: string | null): Principal => {
    if (!token) return { kind: 'anonymous' };
    const given = Buffer.from(hashSecret(token), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? { kind: 'admin' } : { kind: 'anonymous' };
  };
}
