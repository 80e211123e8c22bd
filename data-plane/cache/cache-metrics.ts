import { Counter, Gauge, type Registry } from 'prom-client';
import type { CacheStoreEvents } from './cache-store.ts';

/** What the response cache counts: `/metrics` `tollgate_cache_*`. */
export interface CacheMetrics extends CacheStoreEvents {
  /** One request's verdict: `x-tollgate-cache` as answered. */
  verdict(verdict: 'hit' | 'miss' | 'bypass'): void;
}

/** On the data plane's registry; `bytes` is read at scrape time (the in-process store's size). */
export function createCacheMetrics(registry: Registry, bytes: () => number | null): CacheMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: 'tollgate_cache_requests_total',
    help: 'Requests on a cached endpoint by x-tollgate-cache verdict: hit, miss (looked up, served upstream, stored), bypass (cache off, not deterministic, no-store/no-cache, or the store unreachable).',
    labelNames: ['result'] as const,
    registers,
  });
  const children = { hit: requests.labels({ result: 'hit' }), miss: requests.labels({ result: 'miss' }), bypass: requests.labels({ result: 'bypass' }) };
  const storedBytes = new Counter({ name: 'tollgate_cache_stored_bytes_total', help: 'Bytes of answers written to the cache.', registers });
  const evictions = new Counter({
    name: 'tollgate_cache_evictions_total',
    help: 'Entries the in-process cache dropped to stay within TOLLGATE_CACHE_MEMORY_BYTES (Redis evicts by its own maxmemory policy).',
    registers,
  });
  new Gauge({
    name: 'tollgate_cache_bytes',
    help: 'Bytes held by the in-process response cache (absent with Redis).',
    registers,
    collect() {
      const held = bytes();
      if (held !== null) this.set(held);
    },
  });
  return {
    verdict: (verdict) => children[verdict].inc(),
    evicted: () => evictions.inc(),
    stored: (size) => storedBytes.inc(size),
  };
}
