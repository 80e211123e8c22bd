import { Redis } from 'ioredis';
import { busNames } from '../events/bus-names.ts';
import { Heartbeat } from '../events/heartbeat.ts';
import { UsageEvent } from '../events/usage-event.ts';
import type { Bus, StoredSnapshot, UsageBacklog, UsageConsumer, UsageHandler } from './bus.ts';

export interface RedisBusOptions {
  url: string;
  /** Namespaces every key, so several deployments (or test runs) can share one Redis. */
  prefix?: string;
  /** Pending events idle this long belong to a dead consumer and are claimed. */
  claimIdleMs?: number;
  /** Deliveries after which an event that fails to store goes to the dead-letter stream. */
  maxDeliveries?: number;
  /**
   * Connection errors (refused, reset...). ioredis reconnects by itself; without a listener it
   * prints every attempt to stderr. The state is visible through isConnected() either way.
   */
  onConnectionError?: (error: Error) => void;
}

const BATCH = 200;
const BLOCK_MS = 1000;
const RETRY_DELAY_MS = 500;

// Store only a newer version, and announce it, atomically: two control planes racing can
// never move the stored snapshot backwards.
const PUBLISH_SNAPSHOT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'json', ARGV[2])
redis.call('PUBLISH', KEYS[2], ARGV[1])
return 1`;

type StreamEntries = [id: string, fields: string[]][];

export function createRedisBus(options: RedisBusOptions): Bus {
  const names = busNames(options.prefix);
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const maxDeliveries = options.maxDeliveries ?? 5;
  const onError = options.onConnectionError ?? (() => undefined);
  const connect = () => new Redis(options.url, { maxRetriesPerRequest: 3, lazyConnect: false }).on('error', onError);
  const commands = connect();
  const connections: Redis[] = [commands];

  async function ensureGroup() {
    try {
      await commands.xgroup('CREATE', names.usageStream, names.usageGroup, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }

  return {
    kind: 'redis',
    async publishSnapshot(snapshot: StoredSnapshot) {
      await commands.eval(PUBLISH_SNAPSHOT, 2, names.snapshotKey, names.snapshotChannel, String(snapshot.version), snapshot.json);
    },
    async loadSnapshot() {
      const [version, json] = await commands.hmget(names.snapshotKey, 'version', 'json');
      return version && json ? { version: Number(version), json } : null;
    },
    async onSnapshotAnnounced(listener) {
      const subscriber = connect();
      connections.push(subscriber);
      subscriber.on('message', (_channel: string, message: string) => listener(Number(message)));
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
    consumeUsage(consumerName: string, handler: UsageHandler): UsageConsumer {
      const reader = connect();
      connections.push(reader);
      const deliveries = new Map<string, number>();
      let running = true;

      async function deadLetter(entryId: string, payload: string, reason: string) {
        await commands.xadd(names.usageDeadLetterStream, '*', 'event', payload, 'reason', reason, 'sourceId', entryId);
        await commands.xack(names.usageStream, names.usageGroup, entryId);
        deliveries.delete(entryId);
      }

      async function handle(entries: StreamEntries): Promise<boolean> {
        const valid: { entryId: string; event: UsageEvent }[] = [];
        for (const [entryId, fields] of entries) {
          const payload = fields[fields.indexOf('event') + 1] ?? '';
          let parsed: ReturnType<typeof UsageEvent.safeParse> | undefined;
          try {
            parsed = UsageEvent.safeParse(JSON.parse(payload));
          } catch {
            parsed = undefined;
          }
          if (!parsed?.success) await deadLetter(entryId, payload, 'invalid usage event');
          else valid.push({ entryId, event: parsed.data });
        }
        if (valid.length === 0) return true;
        try {
          await handler(valid.map((v) => v.event));
        } catch (error) {
          // An outage of the store is not the events' fault: they wait in the stream, uncounted.
          if ((error as { storeUnavailable?: unknown } | null)?.storeUnavailable === true) return false;
          for (const { entryId, event } of valid) {
            const count = (deliveries.get(entryId) ?? 0) + 1;
            deliveries.set(entryId, count);
            if (count >= maxDeliveries) await deadLetter(entryId, JSON.stringify(event), String(error));
          }
          return false;
        }
        // Acknowledge only after the handler committed: a crash before this line redelivers.
        await commands.xack(names.usageStream, names.usageGroup, ...valid.map((v) => v.entryId));
        for (const { entryId } of valid) deliveries.delete(entryId);
        return true;
      }

      const loop = (async () => {
        await ensureGroup();
        let readPending = true;
        let lastClaim = 0;
        while (running) {
          try {
            if (Date.now() - lastClaim > claimIdleMs / 2) {
              lastClaim = Date.now();
              const [, claimed] = (await commands.xautoclaim(
                names.usageStream, names.usageGroup, consumerName, claimIdleMs, '0', 'COUNT', BATCH,
              )) as [string, StreamEntries];
              if (claimed.length > 0 && !(await handle(claimed.filter((e) => e[1] !== null)))) {
                await sleep(RETRY_DELAY_MS);
              }
            }
            // '0' re-reads this consumer's own unacknowledged events; '>' reads new ones.
            const result = (await reader.xreadgroup(
              'GROUP', names.usageGroup, consumerName, 'COUNT', BATCH, 'BLOCK', BLOCK_MS,
              'STREAMS', names.usageStream, readPending ? '0' : '>',
            )) as [string, StreamEntries][] | null;
            const entries = result?.[0]?.[1] ?? [];
            if (readPending && entries.length === 0) {
              readPending = false;
              continue;
            }
            if (entries.length > 0 && !(await handle(entries))) {
              readPending = true;
              await sleep(RETRY_DELAY_MS);
            }
          } catch (error) {
            if (!running) break;
            readPending = true;
            await sleep(RETRY_DELAY_MS);
          }
        }
      })();

      return {
        async stop() {
          running = false;
          reader.disconnect();
          await loop;
        },
      };
    },
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
        const fields = new Map<string, unknown>();
        for (let i = 0; i + 1 < group.length; i += 2) fields.set(String(group[i]), group[i + 1]);
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
    isConnected: () => commands.status === 'ready',
    async close() {
      for (const connection of connections) connection.disconnect();
    },
  };
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
