import { hashSecret } from '../../shared/keys/api-key.ts';
import { blockedApiKey, expiredApiKey, invalidApiKey, missingApiKey, revokedApiKey, teamBlocked } from '../errors/client-errors.ts';
import type { CompiledApiKey, CompiledModel, CompiledSnapshot } from '../snapshot/compiled-snapshot.ts';

/** The secret from `Authorization: Bearer <key>` or, failing that, `x-api-key`. */
export function extractApiKey(headers: Readonly<Record<string, string>>): string | null {
  const authorization = headers['authorization'];
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key']?.trim();
  return apiKey ? apiKey : null;
}

/**
 * The key and team a request runs as, from the snapshot it read at entry. Throws the matching
 * 401/403 GatewayError. The secret is only ever hashed, never kept or logged.
 */
export function authenticate(snapshot: CompiledSnapshot, headers: Readonly<Record<string, string>>, nowMs: number): CompiledApiKey {
  const secret = extractApiKey(headers);
  if (!secret) throw missingApiKey();
  const apiKey = snapshot.keysByHash.get(hashSecret(secret));
  if (!apiKey) throw invalidApiKey();
  if (apiKey.key.blocked) throw blockedApiKey();
  if (apiKey.key.revoked) throw revokedApiKey();
  if (apiKey.expiresAtMs !== null && apiKey.expiresAtMs <= nowMs) throw expiredApiKey();
  if (apiKey.team.blocked) throw teamBlocked();
  return apiKey;
}

/** Whether the key's allow-list admits the model (the team's provider reach is routing's job). */
export function keyAllowsModel(apiKey: CompiledApiKey, model: CompiledModel): boolean {
  return apiKey.allowedModelIds === null || apiKey.allowedModelIds.has(model.model.id);
}
