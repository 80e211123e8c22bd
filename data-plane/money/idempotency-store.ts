import type { RedisClient } from '../../shared/bus/redis-client.ts';
import { redisReady } from './redis-ready.ts';

/** A completed response as it is replayed: JSON, or the SSE frames in order. */
export type StoredResponse = { kind: 'json'; status: number; body: unknown } | { kind: 'sse'; frames: string[] };

export type BeginResult = { state: 'new' } | { state: 'replay'; response: StoredResponse } | { state: 'in_progress' } | { state: 'body_mismatch' };

/**
 * Idempotency-Key records: the body hash and, once the request succeeded, its response, for
 * 24 h. `begin` claims a key atomically, so two concurrent requests with one key run once.
 */
export interface IdempotencyStore {
  begin(key: string, bodyHash: string, ttlMs: number): Promise<BeginResult>;
  complete(key: string, bodyHash: string, response: StoredResponse, ttlMs: number): Promise<void>;
  /** The request failed: forget the claim so a retry runs again. */
  abandon(key: string): Promise<void>;
}

interface Stored {
  hash: string;
  response: StoredResponse | null;
}

function decide(record: Stored | null, bodyHash: string): BeginResult | null {
  if (!record) return null;
  if (record.hash !== bodyHash) return { state: 'body_mismatch' };
  return record.response ? { state: 'replay', response: record.response } : { state: 'in_progress' };
}

export function createMemoryIdempotencyStore(now: () => number = Date.now): IdempotencyStore {
  const records = new Map<string, Stored & { expiresAt: number }>();
  const live = (key: string) => {
    const record = records.get(key);
    if (record && record.expiresAt <= now()) records.delete(key);
    return records.get(key) ?? null;
  };
  return {
    async begin(key, bodyHash, ttlMs) {
      const decided = decide(live(key), bodyHash);
      if (decided) return decided;
      if (records.size > 100_000) for (const k of records.keys()) live(k);
      records.set(key, { hash: bodyHash, response: null, expiresAt: now() + ttlMs });
      return { state: 'new' };
    },
    async complete(key, bodyHash, response, ttlMs) {
      records.set(key, { hash: bodyHash, response, expiresAt: now() + ttlMs });
    },
    async abandon(key) {
      records.delete(key);
    },
  };
}

export function createRedisIdempotencyStore(redis: RedisClient, prefix: string): IdempotencyStore {
  const name = (key: string) => `${prefix}:idem:${key}`;
  return {
    async begin(key, bodyHash, ttlMs) {
      await redisReady(redis, 1000);
      const claim = JSON.stringify({ hash: bodyHash, response: null } satisfies Stored);
      // SET NX claims the key atomically; whoever loses reads the winner's record.
      if ((await redis.set(name(key), claim, 'PX', ttlMs, 'NX')) === 'OK') return { state: 'new' };
      const raw = await redis.get(name(key));
      return decide(raw ? (JSON.parse(raw) as Stored) : null, bodyHash) ?? { state: 'in_progress' };
    },
    async complete(key, bodyHash, response, ttlMs) {
      await redis.set(name(key), JSON.stringify({ hash: bodyHash, response } satisfies Stored), 'PX', ttlMs);
    },
    async abandon(key) {
      await redis.del(name(key));
    },
  };
}
