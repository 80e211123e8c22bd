import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A connection to one Redis (or a primary with replicas), or to a Redis Cluster. Same commands. */
export type RedisClient = Redis | Cluster;

/** Where REDIS_URL points: one server, or the seed nodes of a cluster. */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/;

/**
 * Parses REDIS_URL: `redis://` / `rediss://` name one server, `redis+cluster://[user:pass@]host:port,host:port`
 * (or `rediss+cluster://` with TLS) a cluster by some of its nodes (ioredis discovers the rest).
 * Throws a message fit for the start-up error list.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const cluster = CLUSTER_URL.exec(url);
  if (!cluster) {
    if (!/^rediss?:\/\/[^/]/.test(url)) throw new Error('must be redis://, rediss://, redis+cluster:// or rediss+cluster://');
    return { kind: 'single', url };
  }
  const [, scheme, userinfo, hosts] = cluster;
  const nodes = hosts.split(',').map((hostPort) => {
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(hostPort.trim());
    if (!match || Number(match[2]) > 65535) throw new Error(`cluster node "${hostPort}" is not host:port`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
  });
  const [user, password] = userinfo ? userinfo.split(':').map(decodeURIComponent) : [];
  return {
    kind: 'cluster',
    nodes,
    ...(password !== undefined ? { username: user || undefined, password } : user ? { password: user } : {}),
    tls: scheme === 'rediss',
  };
}

/** The zod refinement both planes' env.ts apply to REDIS_URL. */
export function redisUrlIssue(url: string): string | null {
  try {
    parseRedisUrl(url);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Opens a client for REDIS_URL: `Redis` for one server, ioredis' `Cluster` for a cluster, with the
 * same per-connection options (the cluster passes them to every node connection; its offline
 * queue and retry strategy are the cluster's own).
 */
export function connectRedis(url: string, options: RedisOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  if (target.kind === 'single') return new Redis(url, options);
  const { enableOfflineQueue, retryStrategy, lazyConnect, enableAutoPipelining, ...perNode } = options;
  return new Cluster(target.nodes, {
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableAutoPipelining: enableAutoPipelining ?? false,
    lazyConnect: lazyConnect ?? false,
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) ?? null : undefined,
    redisOptions: {
      ...perNode,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** The cluster slot a key hashes to (its hash tag's, when it has one). */
export const slotOf = (key: string): number => calculateSlot(key);

let slotTagTable: string[] | null = null;

/**
 * A short hash tag for every one of the 16384 slots (`slotTag(s)` hashes to slot s), so a key
 * can be placed beside any other: the money epoch has one copy per slot, next to the counters.
 */
export function slotTag(slot: number): string {
  if (!slotTagTable) {
    const table: string[] = new Array(16384);
    let filled = 0;
    for (let n = 0; filled < 16384; n++) {
      const tag = n.toString(36);
      const s = calculateSlot(tag);
      if (table[s] === undefined) {
        table[s] = tag;
        filled++;
      }
    }
    slotTagTable = table;
  }
  return slotTagTable[slot];
}
