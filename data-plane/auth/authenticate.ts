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

/** Secrets seen lately -> their hash: SHA-256 per request was a measured share of a request's CPU. */
const knownHashes = new Map<string, string>();
/** Bounds the memo (a process serves far fewer live keys than this at once). */
const MAX_KNOWN_HASHES = 20_000;

/**
 * The hash a secret is indexed by. Only secrets that matched a key of some snapshot are memoised
 * (a client spraying random keys cannot grow or churn it), and the memo maps to the hash, not to
 * the key: a revocation in a later snapshot applies on the next request as before. The secret
 * stays in this process's memory, where it already passes with every request; never logged.
 */
function hashOf(secret: string, snapshot: CompiledSnapshot): string {
  const known = knownHashes.get(secret);
  if (known !== undefined) return known;
  const hash = hashSecret(secret);
  if (snapshot.keysByHash.has(hash)) {
    if (knownHashes.size >= MAX_KNOWN_HASHES) knownHashes.delete(knownHashes.keys().next().value as string);
    knownHashes.set(secret, hash);
  }
  return hash;
}

/**
 * The key and team a request runs as, from the snapshot it read at entry. Throws the matching
 * 401/403 GatewayError. The secret is hashed (memoised, see hashOf), never logged.
 */
export function authenticate(snapshot: CompiledSnapshot, headers: Readonly<Record<string, string>>, nowMs: number): CompiledApiKey {
  const secret = extractApiKey(headers);
  if (!secret) throw missingApiKey();
  const apiKey = snapshot.keysByHash.get(hashOf(secret, snapshot));
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
