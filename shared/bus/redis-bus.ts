import { busNames } from '../events/bus-names.ts';
import { Heartbeat } from '../events/heartbeat.ts';
import { type UsageEvent, type UsageEventReader, usageEventReader } from '../events/usage-event.ts';
import { createRedisMoneyEpoch } from '../money/redis-money-epoch.ts';
import {
  type Bus,
  type BusPersistence,
  type DeadLetter,
  isStoreUnavailable,
  type PublishedDelta,
  SNAPSHOT_DELTA_LOG_LENGTH,
  type StoredDelta,
  type StoredSnapshot,
  type UsageBacklog,
  type UsageConsumer,
  type UsageConsumerHooks,
  type UsageHandler,
} from './bus.ts';
import { connectRedis, type RedisClient } from './redis-client.ts';

export interface RedisBusOptions {
  /** One server (`redis://`) or a cluster (`redis+cluster://host:port,...`: shared/bus/redis-client.ts). */
  url: string;
  /** Namespaces every key, so several deployments (or test runs) can share one Redis. */
  prefix?: string;
  /** Pending events idle this long belong to a dead consumer and are claimed. */
  claimIdleMs?: number;
  /** Deliveries after which an event that fails to store goes to the dead-letter stream. */
  maxDeliveries?: number;
  /** How often a consumer trims the usage stream below what the group still needs; 0: never. */
  trimIntervalMs?: number;
  /**
   * Connection errors (refused, reset...). ioredis reconnects by itself; without a listener it
   * prints every attempt to stderr. The state is visible through isConnected() either way.
   */
  onConnectionError?: (error: Error) => void;
}

// Large batches: the ingestor stores a batch in one multi-row insert and one upsert per counter
// table, whose rows (one per team, key and period touched) are shared by the batch's events: at
// 200 teams, 2 000 events per batch cost PostgreSQL 35 us of CPU per event against 41 at 1 000.
const BATCH = 2000;
const BLOCK_MS = 1000;
const RETRY_DELAY_MS = 500;

// The snapshot hash (one key, so one slot in a cluster): `version` and `headsig` are the newest
// published version and the signature of what published it; `json`, `sig` and `full` the full
// snapshot and its version (absent: `version`); `log` the versions of the logged deltas, oldest
// first, each in `d:<version>` and `s:<version>` (the delta to that version and its signature).

// Store a full snapshot of a newer version (or complete the newest one, published by its delta),
// and announce it, atomically: two control planes racing can never move the stored snapshot
// backwards. ARGV[4] = '1' replaces whatever is stored, log included (the publisher heals an
// invalid stored snapshot that way); a version that is not a number counts as 0. The full
// snapshot is the newest version, so the log keeps only its newest ARGV[8] deltas. Announced also
// when it completes the newest version: a data plane whose deltas did not apply reads it then.
// The channel is an argument, not a key: in a cluster PUBLISH reaches every node whatever the slot.
const PUBLISH_SNAPSHOT = `
local head = tonumber(redis.call('HGET', KEYS[1], 'version') or '0') or 0
local full = tonumber(redis.call('HGET', KEYS[1], 'full') or '') or head
local v = tonumber(ARGV[1])
if ARGV[4] ~= '1' and (head > v or (head == v and full >= v)) then return 0 end
if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
redis.call('HDEL', KEYS[1], 'delta', 'deltasig')
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'json', ARGV[2], 'sig', ARGV[3], 'full', ARGV[1], 'headsig', ARGV[3])
local log = {}
for w in string.gmatch(redis.call('HGET', KEYS[1], 'log') or '', '%d+') do table.insert(log, w) end
if ARGV[5] ~= '' and head < v then
  table.insert(log, ARGV[1])
  redis.call('HSET', KEYS[1], 'd:' .. ARGV[1], ARGV[5], 's:' .. ARGV[1], ARGV[6])
end
while #log > tonumber(ARGV[8]) do
  redis.call('HDEL', KEYS[1], 'd:' .. log[1], 's:' .. log[1])
  table.remove(log, 1)
end
redis.call('HSET', KEYS[1], 'log', table.concat(log, ' '))
redis.call('PUBLISH', ARGV[7], ARGV[1])
return 1`;

// Append a delta (ARGV[2] -> ARGV[1]) to the log and announce it, the delta in the message (see
// parseAnnouncement): only on top of the newest
// version (-1 otherwise: a gap, the full snapshot is needed), 0 when that version or a newer one
// is stored. Deltas older than the full snapshot go first when the log is at its bound; if all
// of them are still needed (full snapshot + log = newest version), -1: write the full snapshot.
const PUBLISH_DELTA = `
local head = tonumber(redis.call('HGET', KEYS[1], 'version') or '0') or 0
local to = tonumber(ARGV[1])
if head >= to then return 0 end
if head == 0 or head ~= tonumber(ARGV[2]) then return -1 end
local full = tonumber(redis.call('HGET', KEYS[1], 'full') or '') or head
local log = {}
for w in string.gmatch(redis.call('HGET', KEYS[1], 'log') or '', '%d+') do table.insert(log, w) end
while #log >= tonumber(ARGV[6]) and tonumber(log[1]) <= full do
  redis.call('HDEL', KEYS[1], 'd:' .. log[1], 's:' .. log[1])
  table.remove(log, 1)
end
if #log >= tonumber(ARGV[6]) then return -1 end
table.insert(log, ARGV[1])
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'headsig', ARGV[4], 'd:' .. ARGV[1], ARGV[3], 's:' .. ARGV[1], ARGV[4], 'log', table.concat(log, ' '))
redis.call('PUBLISH', ARGV[5], ARGV[1] .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[3])
return 1`;

// The newest version, the full snapshot's version, then JSON and signature of each logged delta
// to a version above ARGV[1], oldest first.
const LOAD_DELTAS = `
local fields = redis.call('HMGET', KEYS[1], 'version', 'full', 'log')
if not fields[1] then return false end
local out = {fields[1], fields[2] or fields[1]}
local after = tonumber(ARGV[1]) or 0
for w in string.gmatch(fields[3] or '', '%d+') do
  if tonumber(w) > after then
    local d = redis.call('HMGET', KEYS[1], 'd:' .. w, 's:' .. w)
    table.insert(out, d[1] or '')
    table.insert(out, d[2] or '')
  end
end
return out`;

/**
 * XADDs each ARGV to the stream KEYS[1], in order, in one command: a pipeline of one XADD per
 * event cost the publisher's client a command object, its reply and their parsing per event.
 */
const XADD_EACH = `for i = 1, #ARGV do redis.call('XADD', KEYS[1], '*', 'event', ARGV[i]) end
return #ARGV`;

/** Redis's clock in milliseconds, in a script: the live interest marks are written and read on one clock. */
const REDIS_NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Marks the topics (ARGV[2..]) in the interest set KEYS[1] until Redis's now + ARGV[1] ms (GT: a
 * renewal never shortens a later mark), and drops marks lapsed a whole TTL ago.
 */
const MARK_INTEREST = `${REDIS_NOW}
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'GT', now + ttl, ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
return 0`;

/** Of the topics ARGV, those whose mark in KEYS[1] has not lapsed by Redis's clock. */
const INTERESTED = `${REDIS_NOW}
local scores = redis.call('ZMSCORE', KEYS[1], unpack(ARGV))
local wanted = {}
for i = 1, #ARGV do
  if scores[i] and tonumber(scores[i]) > now then wanted[#wanted + 1] = ARGV[i] end
end
return wanted`;

type StreamEntries = [id: string, fields: string[]][];

/** The Redis bus, plus what only a stream has. */
export interface RedisBus extends Bus {
  /** Trims the usage stream now (the consumers also do it every trimIntervalMs). */
  trimUsageStream(): Promise<number>;
}

export function createRedisBus(options: RedisBusOptions): RedisBus {
  const names = busNames(options.prefix);
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const trimIntervalMs = options.trimIntervalMs ?? 60_000;
  const onError = options.onConnectionError ?? (() => undefined);
  const connect = () => connectRedis(options.url, { maxRetriesPerRequest: 3, lazyConnect: false }).on('error', onError);
  const commands = connect();
  const connections: RedisClient[] = [commands];

  /** Creates the consumer group (and stream) unless it exists; true when it was created now. */
  async function ensureGroup(): Promise<boolean> {
    try {
      await commands.xgroup('CREATE', names.usageStream, names.usageGroup, '0', 'MKSTREAM');
      return true;
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
      return false;
    }
  }

  /**
   * Deletes the usage entries the group no longer needs: everything below the oldest pending
   * entry (XPENDING summary) or, with nothing pending, up to and including the group's
   * last-delivered id (XINFO GROUPS). Never an entry that is pending or not delivered yet, so no
   * event is lost, whatever the consumers are doing. Without a group (no control plane ever
   * read) nothing is trimmed. Returns the number of entries deleted.
   */
  async function trimUsageStream(): Promise<number> {
    let groups: unknown[][];
    try {
      groups = (await commands.xinfo('GROUPS', names.usageStream)) as unknown[][];
    } catch (error) {
      if (String(error).includes('no such key')) return 0;
      throw error;
    }
    const group = groups.map(fieldMap).find((fields) => fields.get('name') === names.usageGroup);
    if (!group) return 0;
    // Order matters: the last-delivered id is read BEFORE the pending check, so whatever a
    // consumer reads in between has a larger id and stays.
    const [count, oldestPending] = (await commands.xpending(names.usageStream, names.usageGroup)) as [number, string | null, ...unknown[]];
    if (Number(count) > 0 && oldestPending) return Number(await commands.xtrim(names.usageStream, 'MINID', oldestPending));
    const lastDelivered = String(group.get('last-delivered-id') ?? '0-0');
    if (lastDelivered === '0-0') return 0;
    // MINID keeps ids >= the bound: the bound is the id just after the last delivered one.
    return Number(await commands.xtrim(names.usageStream, 'MINID', nextStreamId(lastDelivered)));
  }

  return {
    kind: 'redis',
    connection: { redisUrl: options.url, prefix: options.prefix, usageStream: names.usageStream },
    async publishSnapshot(snapshot: StoredSnapshot, publishOptions?: { replace?: boolean }) {
      const stored = await commands.eval(
        PUBLISH_SNAPSHOT,
        1,
        names.snapshotKey,
        String(snapshot.version),
        snapshot.json,
        snapshot.signature ?? '',
        publishOptions?.replace ? '1' : '0',
        snapshot.delta?.json ?? '',
        snapshot.delta?.signature ?? '',
        names.snapshotChannel,
        String(SNAPSHOT_DELTA_LOG_LENGTH),
      );
      return Number(stored) === 1;
    },
    async publishSnapshotDelta(delta) {
      const outcome = Number(
        await commands.eval(
          PUBLISH_DELTA,
          1,
          names.snapshotKey,
          String(delta.to),
          String(delta.from),
          delta.json,
          delta.signature,
          names.snapshotChannel,
          String(SNAPSHOT_DELTA_LOG_LENGTH),
        ),
      );
      return outcome === 1 ? 'stored' : outcome === 0 ? 'newer' : 'gap';
    },
    async loadSnapshot() {
      const [version, json, signature] = await commands.hmget(names.snapshotKey, 'full', 'json', 'sig');
      if (!json) return null;
      // Stored before the delta log (or by hand): the full snapshot is the newest version.
      const fullVersion = version ?? (await commands.hget(names.snapshotKey, 'version'));
      return fullVersion ? { version: Number(fullVersion), json, signature: signature || null } : null;
    },
    async loadSnapshotDeltas(after) {
      const reply = (await commands.eval(LOAD_DELTAS, 1, names.snapshotKey, String(after))) as string[] | null;
      if (!reply) return null;
      const deltas: StoredDelta[] = [];
      for (let i = 2; i + 1 < reply.length; i += 2) if (reply[i] && reply[i + 1]) deltas.push({ json: reply[i], signature: reply[i + 1] });
      return { version: Number(reply[0]), fullVersion: Number(reply[1]), deltas };
    },
    async loadSnapshotHead() {
      const [version, full, headSignature, signature] = await commands.hmget(names.snapshotKey, 'version', 'full', 'headsig', 'sig');
      if (!version) return null;
      const fullVersion = full ? Number(full) : Number(version);
      return { version: Number(version), fullVersion, signature: (fullVersion === Number(version) ? signature : headSignature) || null };
    },
    async onSnapshotAnnounced(listener) {
      const subscriber = connect();
      connections.push(subscriber);
      subscriber.on('message', (_channel: string, message: string) => {
        const { version, delta } = parseAnnouncement(message);
        listener(version, delta);
      });
      // After a reconnect announcements may have been missed: the listener re-reads the key. ioredis
      // re-subscribes by itself only to channels whose SUBSCRIBE once succeeded, so a plane that
      // started while Redis was down subscribes here when it comes back.
      subscriber.on('ready', () => {
        subscriber.subscribe(names.snapshotChannel).catch(() => undefined);
        listener(0);
      });
      await subscriber.subscribe(names.snapshotChannel);
      return async () => void subscriber.disconnect();
    },
    async publishUsage(event) {
      await commands.xadd(names.usageStream, '*', 'event', JSON.stringify(event));
    },
    async publishUsageBatch(events) {
      if (events.length === 0) return;
      await commands.eval(XADD_EACH, 1, names.usageStream, ...events.map((event) => JSON.stringify(event)));
    },
    consumeUsage(consumerName: string, handler: UsageHandler, hooks: UsageConsumerHooks = {}): UsageConsumer {
      const reader = connect();
      connections.push(reader);
      const readUsageEvent = usageEventReader();
      const deliveries = new Map<string, number>();
      let running = true;

      async function deadLetter(entryId: string, payload: string, reason: string, letter: Pick<DeadLetter, 'kind' | 'eventId'>) {
        await commands.xadd(names.usageDeadLetterStream, '*', 'event', payload, 'reason', reason, 'sourceId', entryId);
        await commands.xack(names.usageStream, names.usageGroup, entryId);
        deliveries.delete(entryId);
        try {
          hooks.onDeadLetter?.({ sourceId: entryId, reason, ...letter });
        } catch {
          // An alerting hook must never stop the consumer.
        }
      }

      async function handle(entries: StreamEntries): Promise<boolean> {
        const valid: { entryId: string; event: UsageEvent; json: string | undefined }[] = [];
        for (const [entryId, fields] of entries) {
          const payload = fields[fields.indexOf('event') + 1] ?? '';
          let read: ReturnType<UsageEventReader> = null;
          try {
            read = readUsageEvent(JSON.parse(payload));
          } catch {
            // Not JSON: dead-lettered below, as an event the contract refuses.
          }
          if (!read) await deadLetter(entryId, payload, 'invalid usage event', { kind: 'invalid', eventId: null });
          else valid.push({ entryId, event: read.event, json: read.exact ? payload : undefined });
        }
        return valid.length === 0 || store(valid);
      }

      /** Hands validated events to the handler; acknowledges them once stored. */
      async function store(valid: { entryId: string; event: UsageEvent; json: string | undefined }[]): Promise<boolean> {
        try {
          await handler(
            valid.map((v) => v.event),
            valid.map((v) => v.json),
          );
        } catch (error) {
          // An outage of the store is not the events' fault: they wait in the stream, uncounted.
          if (isStoreUnavailable(error)) return false;
          if (valid.length > 1) {
            // One event the store refuses (a NUL in a label, say) must not take its batch with it
            // to the dead letters: each is stored alone, and only what fails alone is retried.
            let stored = true;
            for (const one of valid) stored = (await store([one])) && stored;
            return stored;
          }
          for (const { entryId, event } of valid) {
            const count = (deliveries.get(entryId) ?? 0) + 1;
            deliveries.set(entryId, count);
            if (count >= maxDeliveries) await deadLetter(entryId, JSON.stringify(event), String(error), { kind: 'failed', eventId: event.id });
          }
          return false;
        }
        // Acknowledge only after the handler committed: a crash before this line redelivers.
        await commands.xack(names.usageStream, names.usageGroup, ...valid.map((v) => v.entryId));
        for (const { entryId } of valid) deliveries.delete(entryId);
        return true;
      }

      /** '0' re-reads this consumer's own unacknowledged events; '>' reads new ones. */
      async function read(from: '0' | '>'): Promise<StreamEntries> {
        const result = (await reader.xreadgroup(
          'GROUP',
          names.usageGroup,
          consumerName,
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          names.usageStream,
          from,
        )) as [string, StreamEntries][] | null;
        return result?.[0]?.[1] ?? [];
      }

      let failing = false;
      let groupRecreatedAt: number | null = null;
      let ahead: Promise<StreamEntries> | null = null;
      /** The batch handed to the handler and not settled yet (see the loop): true once stored and acknowledged. */
      let inFlight: Promise<boolean> | null = null;
      let readPending = true;
      /** Waits for the batch in flight; true when there was none or it was stored. */
      const settle = async (): Promise<boolean> => {
        const batch = inFlight;
        inFlight = null;
        return batch ? await batch : true;
      };
      /**
       * A batch failed: once nothing is in flight, its entries (still pending for this consumer) are
       * read again from '0' after a pause; the batch read ahead is dropped, as its entries are
       * pending too and come back with them.
       */
      const retryPending = async () => {
        await settle().catch(() => undefined);
        await ahead?.catch(() => undefined);
        ahead = null;
        readPending = true;
        await sleep(RETRY_DELAY_MS);
      };
      const loop = (async () => {
        // Created here, inside the retry loop, so a Redis that is down at start only delays it.
        let groupReady = false;
        let groupLost = false;
        let lastClaim = 0;
        let lastTrim = Date.now();
        while (running) {
          try {
            if (!groupReady) {
              const created = await ensureGroup();
              groupReady = true;
              if (created && groupLost) {
                // Redis came back without the group: the stream restarts from what is written now.
                groupRecreatedAt = Date.now();
                try {
                  hooks.onGroupRecreated?.();
                } catch {
                  // An alerting hook must never stop the consumer.
                }
              }
              groupLost = false;
            }
            if (trimIntervalMs > 0 && Date.now() - lastTrim >= trimIntervalMs) {
              lastTrim = Date.now();
              await trimUsageStream();
            }
            if (Date.now() - lastClaim > claimIdleMs / 2) {
              lastClaim = Date.now();
              const [, claimed] = (await commands.xautoclaim(names.usageStream, names.usageGroup, consumerName, claimIdleMs, '0', 'COUNT', BATCH)) as [
                string,
                StreamEntries,
              ];
              if (claimed.length > 0 && !(await handle(claimed.filter((e) => e[1] !== null)))) {
                await sleep(RETRY_DELAY_MS);
              }
            }
            const entries = await (ahead ?? read(readPending ? '0' : '>'));
            ahead = null;
            if (readPending && entries.length === 0) {
              readPending = false;
              continue;
            }
            if (entries.length > 0 && !readPending) {
              // Read the next batch while this one is stored: decoding and the round trip overlap
              // the commit. Its entries are pending for this consumer from now on, so if a batch
              // fails they are re-read with the pending ones ('0') and nothing is skipped.
              ahead = read('>');
              ahead.catch(() => undefined); // awaited on the next turn; a stop may leave it unread
              // Two batches in flight: this one is decoded, validated and handed to the handler
              // (whose store waits behind the previous one's on the ingestion connection) while
              // the previous one commits, then the previous one's outcome is awaited. Each batch
              // is still acknowledged only after its own commit.
              const previous = inFlight;
              inFlight = handle(entries);
              inFlight.catch(() => undefined); // settled on a later turn, or when a batch fails
              if (previous && !(await previous)) await retryPending();
            } else if (entries.length > 0) {
              // Re-reading this consumer's pending entries ('0') returns them until acknowledged:
              // one batch at a time, each settled before the next read.
              if (!(await settle()) || !(await handle(entries))) await retryPending();
            } else if (!(await settle())) {
              await retryPending();
            }
            failing = false;
          } catch (error) {
            // Failing from the error on, not once the batches in flight have settled: with Redis
            // gone each of them takes its own retries to reject, and /readyz must say so meanwhile.
            if (running) failing = true;
            await settle().catch(() => undefined);
            await ahead?.catch(() => undefined);
            ahead = null;
            if (!running) break;
            readPending = true;
            // NOGROUP: Redis lost the group (and the stream): create it again on the next turn.
            if (String(error).includes('NOGROUP')) {
              groupReady = false;
              groupLost = true;
              continue;
            }
            await sleep(RETRY_DELAY_MS);
          }
        }
        // The batch still in flight is stored and acknowledged before the consumer stops.
        await settle().catch(() => undefined);
      })();

      return {
        async stop() {
          running = false;
          reader.disconnect();
          await loop;
        },
        health: () => ({ failing, groupRecreatedAt }),
      };
    },
    trimUsageStream,
    async usageBacklog(): Promise<UsageBacklog> {
      const deadLetters = await commands.xlen(names.usageDeadLetterStream);
      let groups: unknown[][];
      try {
        groups = (await commands.xinfo('GROUPS', names.usageStream)) as unknown[][];
      } catch (error) {
        if (String(error).includes('no such key')) return { pending: 0, lag: 0, deadLetters };
        throw error;
      }
      for (const group of groups) {
        const fields = fieldMap(group);
        if (fields.get('name') !== names.usageGroup) continue;
        const lag = fields.get('lag');
        return { pending: Number(fields.get('pending') ?? 0), lag: typeof lag === 'number' ? lag : null, deadLetters };
      }
      // No consumer group yet (no control plane ever ran): every event is undelivered.
      return { pending: 0, lag: await commands.xlen(names.usageStream), deadLetters };
    },
    async publishHeartbeat(heartbeat) {
      await commands.publish(names.heartbeatChannel(heartbeat.plane), JSON.stringify(heartbeat));
    },
    async onHeartbeat(plane, listener) {
      const subscriber = connect();
      connections.push(subscriber);
      const channel = names.heartbeatChannel(plane);
      subscriber.on('message', (_channel: string, message: string) => {
        let parsed: ReturnType<typeof Heartbeat.safeParse> | undefined;
        try {
          parsed = Heartbeat.safeParse(JSON.parse(message));
        } catch {
          return;
        }
        if (parsed.success && parsed.data.plane === plane) listener(parsed.data);
      });
      subscriber.on('ready', () => void subscriber.subscribe(channel).catch(() => undefined));
      await subscriber.subscribe(channel);
      return async () => void subscriber.disconnect();
    },
    moneyEpoch: createRedisMoneyEpoch(commands, options.prefix ?? 'tollgate'),
    live: {
      async publish(message) {
        await commands.publish(names.liveChannel, message);
      },
      async subscribe(listener) {
        const subscriber = connect();
        connections.push(subscriber);
        subscriber.on('message', (_channel: string, message: string) => listener(message));
        subscriber.on('ready', () => void subscriber.subscribe(names.liveChannel).catch(() => undefined));
        await subscriber.subscribe(names.liveChannel);
        return async () => void subscriber.disconnect();
      },
      async markInterest(topics, ttlMs) {
        if (topics.length > 0) await commands.eval(MARK_INTEREST, 1, names.liveInterest, ttlMs, ...topics);
      },
      async interested(topics) {
        if (topics.length === 0) return new Set();
        return new Set((await commands.eval(INTERESTED, 1, names.liveInterest, ...topics)) as string[]);
      },
    },
    async persistence(): Promise<BusPersistence> {
      const info = await commands.info('persistence');
      const aof = /^aof_enabled:1\s*$/m.test(info);
      const config = async (name: string) => {
        try {
          const reply = (await commands.config('GET', name)) as string[];
          return reply[1] ?? null;
        } catch {
          return null; // CONFIG disabled (managed Redis): unknown.
        }
      };
      const save = await config('save');
      return { aof, appendfsync: await config('appendfsync'), rdb: save === null ? null : save.trim() !== '' };
    },
    isConnected: () => commands.status === 'ready',
    async close() {
      for (const connection of connections) connection.disconnect();
    },
  };
}

function fieldMap(reply: unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  return fields;
}

/** The smallest stream id greater than `id` (`ms-seq`). */
export function nextStreamId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${BigInt(seq) + 1n}`;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * An announcement: the version alone (a full snapshot), or `to`, `from`, signature and JSON of a
 * delta published alone, one per line (JSON.stringify never writes a raw newline). A data plane of
 * an older release reads NaN as the version and re-reads the log, as announcements are hints.
 */
export function parseAnnouncement(message: string): { version: number; delta?: PublishedDelta } {
  const lines = message.split('\n', 3);
  if (lines.length < 3) return { version: Number(message) };
  const [to, from, signature] = lines;
  const json = message.slice(to.length + from.length + signature.length + 3);
  return { version: Number(to), delta: { from: Number(from), to: Number(to), signature, json } };
}
