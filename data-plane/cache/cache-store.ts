import { LRUCache } from 'lru-cache';
import type { RedisClient } from '../../shared/bus/redis-client.ts';
import type { RecordedResponse } from '../request/recording-exchange.ts';

/** A kept answer, as every data plane reads it back. */
export interface CachedAnswer {
  /** Epoch ms when it was stored: a hit's `age`. */
  storedAt: number;
  response: RecordedResponse;
  /** The public model name that served it. */
  model: string;
  /** The serving attempt's usage: the tokens a hit saves, and what they cost the team then (micro-USD). */
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number; costMicroUsd: number; estimated: boolean };
}

/** Counters the metrics read. */
export interface CacheStoreEvents {
  /** An entry left the in-process LRU to make room. */
  evicted(): void;
  /** An entry of `bytes` was written. */
  stored(bytes: number): void;
}

/**
 * Where answers are kept: Redis when the data planes share one (an answer stored by one plane
 * serves every plane), a bounded in-process LRU otherwise. A store that fails or does not answer
 * rejects: the request is then served uncached.
 */
export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CachedAnswer | null>;
  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void>;
  /** Bytes held in process (memory store), null for Redis (it counts its own). */
  bytes(): number | null;
  /** True while the store cannot be reached: requests bypass the cache (degraded `cache_bypass`). */
  unavailable(): boolean;
}

export function createMemoryCacheStore(maxBytes: number, events: CacheStoreEvents): CacheStore {
  // Kept parsed (a hit costs no JSON.parse) with the size it has as JSON; entries are never
  // mutated after they are stored, so every hit may share one.
  const entries = new LRUCache<string, { answer: CachedAnswer; bytes: number }>({
    maxSize: maxBytes,
    sizeCalculation: (value, key) => value.bytes + key.length,
    dispose: (_value, _key, reason) => {
      if (reason === 'evict') events.evicted();
    },
  });
  return {
    kind: 'memory',
    async get(key) {
      return entries.get(key)?.answer ?? null;
    },
    async set(key, answer, ttlMs) {
      const bytes = JSON.stringify(answer).length;
      // An entry larger than the whole cache is refused by the LRU; nothing to count then.
      if (bytes + key.length > maxBytes) return;
      entries.set(key, { answer, bytes }, { ttl: ttlMs });
      events.stored(bytes);
    },
    bytes: () => entries.calculatedSize,
    unavailable: () => false,
  };
}

/** Redis answers every lookup within this, or the request goes on uncached. */
const REDIS_TIMEOUT_MS = 250;

/** On the money store's connection (no offline queue: a command fails at once while Redis is down). */
export function createRedisCacheStore(redis: RedisClient, prefix: string, events: CacheStoreEvents): CacheStore {
  const name = (key: string) => `${prefix}:cache:${key}`;
  const bounded = <T>(command: () => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') return Promise.reject(new Error(`Redis is ${redis.status}`));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
    });
    return Promise.race([command(), timeout]).finally(() => clearTimeout(timer));
  };
  return {
    kind: 'redis',
    async get(key) {
      const raw = await bounded(() => redis.get(name(key)));
      return raw === null ? null : (JSON.parse(raw) as CachedAnswer);
    },
    async set(key, answer, ttlMs) {
      const raw = JSON.stringify(answer);
      await bounded(() => redis.set(name(key), raw, 'PX', ttlMs));
      events.stored(Buffer.byteLength(raw));
    },
    bytes: () => null,
    unavailable: () => redis.status !== 'ready',
  };
}
