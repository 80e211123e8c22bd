import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { GraphQLError } from 'graphql';
import { createPubSub } from 'graphql-yoga';
import type { BudgetAlert } from '../../generated/prisma/client.ts';
import type { LiveChannel } from '../../shared/bus/bus.ts';
import type { StoredUsage } from './usage-row.ts';

export interface SnapshotPublication {
  version: number;
  hash: string;
  createdAt: Date;
}

type LiveTopics = {
  storedUsage: [teamId: string, stored: StoredUsage];
  budget: [teamId: string, changed: true];
  budgetAlert: [teamId: string, alert: BudgetAlert];
  snapshot: [publication: SnapshotPublication];
};

/** The event target graphql-yoga's pub/sub dispatches through (a subset of DOM's EventTarget). */
type LiveEventTarget = NonNullable<NonNullable<Parameters<typeof createPubSub<LiveTopics>>[0]>['eventTarget']>;

/**
 * Fan-out to GraphQL subscribers. Usage events are published here (`storedUsage`: the event as it
 * arrived and its row's createdAt; the subscription builds the row, usage-row.ts) only after they
 * are committed, the first time, and again when their batch is redelivered (a consumer that died
 * between the commit and the publication); subscribers get each event once (firstDelivery). The
 * event, not the row, travels: it is plain JSON, and a row (BigInt money, Dates) is built only for
 * a subscriber that receives it. `budget` carries no payload: it
 * tells a team's budget-status subscribers to recompute. `budgetAlert` carries an alert row,
 * published once: after the insert that created it.
 *
 * With `fanout` (control plane replicas sharing Redis) every publication goes through the shared
 * channel and reaches the subscribers of every replica exactly once, whichever replica stored
 * the row; without it (the embedded default, one control plane) it stays in this process.
 */
export function createLiveEvents(fanout?: LiveFanout) {
  const target = fanout ? fanout.target : localTarget();
  const pubsub = createPubSub<LiveTopics>({ eventTarget: target });
  return {
    publish: pubsub.publish,
    subscribe: boundedSubscribe(target) as typeof pubsub.subscribe,
    /**
     * Resolves once what was published so far is on its way to the other replicas (in the
     * process: at once). The ingestor awaits it before its batch is acknowledged.
     */
    sent: fanout ? fanout.sent : () => Promise.resolve(),
  };
}

/** A stored-usage topic (`storedUsage:<team>`): the one kind delivered once per event and sent only where wanted. */
const isStoredUsage = (type: string) => type.startsWith('storedUsage');

/** How many events a live subscriber may have waiting before its subscription is ended. */
export const SUBSCRIBER_BACKLOG = 10_000;

/**
 * graphql-yoga's `subscribe`, with room for a whole stored batch. Yoga's own lets 1,024 events wait
 * for their subscriber, then throws from the publisher: one stored batch of a busy team (up to
 * 2,000 events, dispatched in one go) made that throw, inside the ingestion or the Redis fan-out,
 * where it ended the control plane. Here a subscriber may fall up to SUBSCRIBER_BACKLOG events
 * behind; one that falls further is ended with SUBSCRIBER_TOO_SLOW (after the events it has waiting)
 * rather than holding memory for it without bound: it subscribes again, and the usageEvents query
 * has what it missed.
 */
const tooSlow = () =>
  new GraphQLError(`this subscription fell more than ${SUBSCRIBER_BACKLOG} events behind and was ended: subscribe again`, {
    extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
  });

function boundedSubscribe(target: LiveEventTarget) {
  return (routingKey: string, id?: string) => {
    const topic = id === undefined ? routingKey : `${routingKey}:${id}`;
    const waiting = new FixedBuffer(SUBSCRIBER_BACKLOG);
    return new Repeater<unknown>((push, stop) => {
      const listener = (event: Event) => {
        if (!waiting.full) void push((event as CustomEvent).detail);
        else stop(tooSlow());
      };
      target.addEventListener(topic, listener as never);
      void stop.then(() => target.removeEventListener(topic, listener as never));
    }, waiting);
  };
}

/** How many recent usage events each replica remembers to drop a repeated publication. */
const SEEN_ROWS = 100_000;

type Listener = EventListenerOrEventListenerObject;

/**
 * The listeners of one replica, by event type, and dispatch to them. Usage events are published
 * at least once (again when a batch is redelivered after its consumer died between commit and
 * publication) and delivered once: an event whose id was delivered here recently is dropped.
 * Only events that reached a listener are remembered: one published while nobody listened to its
 * team reached no one, so a later copy is its first delivery. A control plane without live
 * subscribers (the embedded default under load, most replicas) then keeps no ids at all, where
 * it kept the last 100,000 (15 MB of heap).
 */
function liveListeners() {
  const byType = new Map<string, Set<Listener>>();
  const seen = recentIds(SEEN_ROWS);
  const firstDelivery = (type: string, detail: unknown) => {
    if (!isStoredUsage(type)) return true;
    const id = (detail as Partial<StoredUsage> | null)?.event?.id;
    return typeof id !== 'string' || seen.add(id);
  };
  return {
    add(type: string, listener: Listener | null) {
      if (!listener) return;
      let forType = byType.get(type);
      if (!forType) byType.set(type, (forType = new Set()));
      forType.add(listener);
    },
    remove(type: string, listener: Listener | null) {
      if (!listener) return;
      const forType = byType.get(type);
      forType?.delete(listener);
      if (forType?.size === 0) byType.delete(type);
    },
    /** Any listener for `type`: a replica decodes only what someone here listens to. */
    has: (type: string) => byType.has(type),
    types: () => byType.keys(),
    any: () => byType.size > 0,
    dispatch(event: CustomEvent) {
      const forType = byType.get(event.type);
      if (!forType || !firstDelivery(event.type, event.detail)) return;
      for (const listener of forType) {
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      }
    },
  };
}

/**
 * The last `capacity` distinct ids, first in first out: `add` answers whether the id is new.
 * A ring of the ids beside a Set of them: about 90 bytes per id with the id's own string, where
 * an LRU cache took 150 (the window needs no recency: a seen id is dropped, never re-read).
 */
function recentIds(capacity: number) {
  const ring: string[] = [];
  const ids = new Set<string>();
  let next = 0;
  return {
    add(id: string): boolean {
      if (ids.has(id)) return false;
      if (ring.length === capacity) ids.delete(ring[next]!);
      ring[next] = id;
      next = (next + 1) % capacity;
      ids.add(id);
      return true;
    },
  };
}

/** The embedded default's in-process target, with the same once-per-row delivery. */
function localTarget(): LiveEventTarget {
  const listeners = liveListeners();
  return {
    addEventListener: listeners.add,
    removeEventListener: listeners.remove,
    dispatchEvent: (event: Event) => {
      listeners.dispatch(event as CustomEvent);
      return true;
    },
  } as unknown as LiveEventTarget;
}

export type LiveEvents = ReturnType<typeof createLiveEvents>;

export interface LiveFanout {
  target: LiveEventTarget;
  /** Resolves once the events dispatched so far are published (or were not wanted by anyone). */
  sent(): Promise<void>;
  close(): Promise<void>;
}

/** How long a replica's mark of interest in a topic lasts, and how often it renews it while it has listeners. */
const INTEREST_TTL_MS = 60_000;
const INTEREST_RENEW_MS = 15_000;

/**
 * An event target over a LiveChannel: `dispatchEvent` publishes to every replica (this one
 * included), and what the channel delivers is dispatched to this replica's listeners. A failed
 * publish (Redis down) loses only the live hint; the row is stored and queries still see it.
 *
 * The events dispatched in one synchronous run (a stored batch's rows) go out as one message,
 * before anything awaiting that run continues, one line per event: `<type>\t<JSON of its
 * detail>` (JSON never holds a raw tab or newline). A replica parses only the lines of types it
 * has listeners for: with N replicas each receives every replica's rows, and decoding rows nobody
 * here subscribed to was most of the fan-out's cost. A message of the former shape
 * (`{"type","detail"}`, from a replica not yet upgraded) is still understood. Usage travels as `storedUsage:<team>` lines (the event and its
 * createdAt); the `usage:<team>` lines of a replica of an earlier release (the built row) have no
 * listener here, nor ours there: while a rolling upgrade mixes releases, a live subscriber sees
 * the events stored by replicas of its own release (queries see them all).
 *
 * Stored usage goes out only for the teams that some replica has a live subscriber of: a replica
 * marks its subscribers' topics on the channel (renewed while they listen), and a stored batch
 * asks which of its teams are marked before its lines are built. Most batches find none (no
 * dashboard open on that team), and building, sending and receiving those lines was about a
 * sixth of a control plane's ingestion CPU. The question is asked after the batch's commit, so
 * a subscriber whose mark was in place by then gets the batch's events. A replica of an earlier
 * release marks nothing (docs/operations.md: what its subscribers see during a rolling upgrade).
 */
export async function openLiveFanout(channel: LiveChannel, onError: (error: unknown) => void = () => undefined): Promise<LiveFanout> {
  const listeners = liveListeners();
  const dispatch = (type: string, detail: () => unknown) => {
    if (!listeners.has(type)) return;
    let decoded: unknown;
    try {
      decoded = detail();
    } catch (error) {
      onError(error);
      return;
    }
    listeners.dispatch(new CustomEvent(type, { detail: decoded }));
  };
  const deliver = (message: string) => {
    // Most replicas have no live subscriber most of the time: a stored batch's message (a line per
    // event) is then not even split, instead of scanning every line for a type nobody listens to.
    if (!listeners.any()) return;
    if (message.startsWith('{')) {
      let former: { type: string; detail: unknown };
      try {
        former = JSON.parse(message, revive);
      } catch (error) {
        onError(error);
        return;
      }
      dispatch(former.type, () => former.detail);
      return;
    }
    for (const line of message.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) dispatch(line.slice(0, tab), () => JSON.parse(line.slice(tab + 1), revive));
    }
  };
  // What one synchronous run dispatched (a stored batch's rows), in order: a line ready to go, or
  // a stored usage event whose line is built only if its team is wanted.
  let outgoing: (string | { type: string; stored: StoredUsage })[] = [];
  let sending: Promise<void> = Promise.resolve();
  const send = async (entries: typeof outgoing) => {
    const usageTypes = new Set<string>();
    for (const entry of entries) if (typeof entry !== 'string') usageTypes.add(entry.type);
    let wanted: Set<string> | null = null;
    if (usageTypes.size > 0) {
      try {
        wanted = await channel.interested([...usageTypes]);
      } catch (error) {
        onError(error); // Not known: sent to all, as before there were marks.
      }
    }
    const lines: string[] = [];
    for (const entry of entries) {
      if (typeof entry === 'string') lines.push(entry);
      else if (!wanted || wanted.has(entry.type)) lines.push(`${entry.type}\t${storedUsageJson(entry.stored)}`);
    }
    if (lines.length > 0) channel.publish(lines.join('\n')).catch(onError);
  };
  const flush = () => {
    if (outgoing.length > 0) {
      const entries = outgoing;
      outgoing = [];
      sending = sending.then(() => send(entries)).catch(onError);
    }
    return sending;
  };
  const markInterest = (types: readonly string[]) => void channel.markInterest(types, INTEREST_TTL_MS).catch(onError);
  const renewal = setInterval(() => markInterest([...listeners.types()].filter(isStoredUsage)), INTEREST_RENEW_MS);
  renewal.unref();
  const unsubscribe = await channel.subscribe(deliver);
  const target = {
    addEventListener(type: string, listener: Listener | null) {
      const first = !listeners.has(type);
      listeners.add(type, listener);
      if (first && isStoredUsage(type)) markInterest([type]);
    },
    removeEventListener: listeners.remove,
    dispatchEvent(event: Event) {
      const detail = (event as CustomEvent).detail;
      // The ingestor publishes a stored batch's events in one synchronous run and awaits `sent`
      // before the bus acknowledges the batch: the message is on its socket before the XACK is on
      // the same connection, so a replica killed between the two has not acknowledged, and the
      // batch is claimed and published again by another. The microtask sends what others
      // (alerts, snapshots) publish without waiting for them to ask.
      if (outgoing.length === 0) queueMicrotask(flush);
      outgoing.push(isStoredUsage(event.type) ? { type: event.type, stored: detail as StoredUsage } : `${event.type}\t${JSON.stringify(detail, replace)}`);
      return true;
    },
  } as unknown as LiveEventTarget;
  return {
    target,
    sent: flush,
    close: async () => {
      clearInterval(renewal);
      await unsubscribe();
    },
  };
}

/**
 * A stored usage event as `replace` would tag it, without the replacer: the event is plain JSON
 * (the contract's schema has no BigInt nor Date; its text as it arrived where the bus kept it, so
 * it is not serialized again), only createdAt is tagged. A replacer function
 * is called for every field of every row and took more than half of a stored batch's fan-out CPU.
 */
function storedUsageJson({ event, createdAt, json }: StoredUsage): string {
  return `{"event":${json ?? JSON.stringify(event)},"createdAt":{"$date":"${createdAt.toISOString()}"}}`;
}

// Rows carry BigInt money and Dates: tagged on the wire, restored on arrival, so a subscriber
// on any replica resolves the same values as one on the replica that stored the row.
function replace(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (typeof original === 'bigint') return { $bigint: original.toString() };
  if (original instanceof Date) return { $date: original.toISOString() };
  return value;
}

function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as { $bigint?: unknown; $date?: unknown };
    if (typeof tagged.$bigint === 'string' && Object.keys(value).length === 1) return BigInt(tagged.$bigint);
    if (typeof tagged.$date === 'string' && Object.keys(value).length === 1) return new Date(tagged.$date);
  }
  return value;
}
