import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/snapshot/canonical-json.ts';

/**
 * Request fields that cannot change the answer, so they do not split the cache: the end user,
 * whether and how the answer is streamed (a cached answer serves both ways), metadata and
 * storage flags, the model name as written (the resolved model is in the key instead).
 */
const IGNORED_FIELDS = new Set(['model', 'user', 'stream', 'stream_options', 'metadata', 'store']);

export interface CacheKeyParts {
  teamId: string;
  /** The resolved model's id: an alias and its model share entries. */
  modelId: string;
  /** The endpoint: a chat answer never serves an embeddings request. */
  path: string;
  /** The team's system prompt (policy), which changes what the upstream sees. */
  systemPrompt: string | null;
  /**
   * The fingerprints of the team's guardrails: an answer stored before a guardrail was added or
   * changed is never served past it (a hit runs no answer check, and a prompt rule may now mask
   * what the stored answer was made from).
   */
  guardrails: readonly string[];
  /** The request body as parsed JSON. */
  body: Record<string, unknown>;
}

/**
 * The cache key: a SHA-256 over the canonical JSON (object keys sorted at every level, so key order
 * in the request does not matter) of the team, the resolved model, the endpoint and every body
 * field that may change the answer. The team is in the key: entries never cross teams.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parts.body)) if (!IGNORED_FIELDS.has(name)) fields[name] = value;
  const material = canonicalJson({
    v: 2,
    team: parts.teamId,
    model: parts.modelId,
    path: parts.path,
    system: parts.systemPrompt,
    guardrails: parts.guardrails,
    fields,
  });
  return `${parts.teamId}:${createHash('sha256').update(material).digest('hex')}`;
}

/**
 * Whether the request asks for a reproducible answer: `temperature: 0` or a `seed`. Embeddings
 * are deterministic whatever they send.
 */
export function isDeterministic(path: string, body: Record<string, unknown>): boolean {
  if (path === '/v1/embeddings') return true;
  return body.temperature === 0 || typeof body.seed === 'number';
}
