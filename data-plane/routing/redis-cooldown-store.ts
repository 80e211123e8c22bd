import { connectRedis, type RedisClient } from '../../shared/bus/redis-client.ts';
import { busNames } from '../../shared/events/bus-names.ts';
import type { Logger } from '../logger.ts';
import { type CooldownPolicy, type CooldownReason, type CooldownStore, createMemoryCooldownStore } from './cooldown.ts';

export interface RedisCooldownOptions {
  /** An ioredis client of its own, or a URL to open one. */
  redis: RedisClient | string;
  prefix?: string;
  policy?: Partial<CooldownPolicy>;
  logger: Logger;
  /** A deployment's shared state is re-read at most this often (per plane). */
  refreshIntervalMs?: number;
}

/**
 * Cooldowns shared through Redis: starting one is `SET <prefix>:cooldown:<deploymentId> <reason>
 * PX <ms>` (Redis expires it, nothing to clean up); other planes read the remaining time with
 * PTTL when they route to the deployment, at most every `refreshIntervalMs`. Failures are still
 * counted locally, and the local view keeps working when Redis does not answer.
 */
export function createRedisCooldownStore(options: RedisCooldownOptions): CooldownStore {
  const names = busNames(options.prefix);
  const owned = typeof options.redis === 'string';
  // Commands queue while (re)connecting, so a cooldown found right at start-up is not lost; no
  // request waits for a read, and maxRetriesPerRequest: 1 flushes the queue with errors at each
  // failed reconnect, so an outage cannot pile commands up. Auto-pipelining sends a turn's reads
  // in one write (per node on a cluster): one syscall, not two per deployment.
  const redis = typeof options.redis === 'string' ? connectRedis(options.redis, { maxRetriesPerRequest: 1, enableAutoPipelining: true }) : options.redis;
  redis.on('error', () => {}); // reported through failed commands below, once per outage
  const refreshIntervalMs = options.refreshIntervalMs ?? 500;
  const lastRead = new Map<string, number>();
  let degraded = false;

  const reportFailure = (error: unknown) => {
    if (degraded) return;
    degraded = true;
    options.logger.warn({ err: error }, 'cooldown: Redis unavailable; deployments cool down per data plane until it returns');
  };
  const reportRecovery = () => {
    if (!degraded) return;
    degraded = false;
    options.logger.info('cooldown: Redis is back; cooldowns are shared again');
  };

  const local = createMemoryCooldownStore(options.policy, {
    onCool(deploymentId, ms, reason) {
      redis.set(names.cooldownKey(deploymentId), reason, 'PX', Math.ceil(ms)).then(reportRecovery, reportFailure);
    },
  });

  // One PTTL per deployment, auto-pipelined (no MULTI: in a cluster the deployments' keys live on
  // different nodes; ioredis groups the pipeline per node). Only a deployment found cooling (rare)
  // costs a GET for its reason, so a read is one command per deployment, not two.
  async function read(ids: string[]): Promise<void> {
    const ttls = await Promise.all(ids.map((id) => redis.pttl(names.cooldownKey(id))));
    for (let i = 0; i < ids.length; i++) if (ttls[i] > 0) void learn(ids[i], ttls[i]).catch(reportFailure);
    reportRecovery();
  }
  async function learn(id: string, ttl: number): Promise<void> {
    // Learned a round trip after the PTTL. Expired in between: null, read as 'failures'; the
    // cooldown still lasts what PTTL said.
    const reason = await redis.get(names.cooldownKey(id));
    local.learn(id, ttl, reason === 'rate_limit' ? 'rate_limit' : ('failures' satisfies CooldownReason));
  }

  return {
    cooling: local.cooling,
    recordFailure: local.recordFailure,
    recordSuccess: local.recordSuccess,
    refresh(deploymentIds) {
      const now = Date.now();
      let stale: string[] | null = null;
      for (const id of deploymentIds) if (now - (lastRead.get(id) ?? -Infinity) >= refreshIntervalMs) (stale ??= []).push(id);
      if (stale === null) return;
      for (const id of stale) lastRead.set(id, now);
      // Auto-pipelining writes the commands at this turn's end (setImmediate). Deferring the call
      // itself to the turn's end (atTurnEnd) would put the write a whole turn later: on the path
      // from the upstream's answer to the client's. Nobody waits for them.
      void read(stale).catch(reportFailure);
    },
    clear() {
      local.clear();
      lastRead.clear();
    },
    async close() {
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
