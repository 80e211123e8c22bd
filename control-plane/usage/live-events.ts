import { createPubSub } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
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
  return createPubSub<LiveTopics>({ eventTarget: fanout ? fanout.target : localTarget() });
}

/** How many recent usage events each replica remembers to drop a repeated publication. */
const SEEN_ROWS = 100_000;

/**
 * Usage events are published at least once (again when a batch is redelivered after its consumer
 * died between commit and publication) and delivered once: each replica drops an event whose id
 * it delivered recently.
 */
function firstDelivery(): (type: string, detail: unknown) => boolean {
  const seen = new LRUCache<string, true>({ max: SEEN_ROWS });
  return (type, detail) => {
    if (!type.startsWith('storedUsage')) return true;
    const id = (detail as Partial<StoredUsage> | null)?.event?.id;
    if (typeof id !== 'string') return true;
    if (seen.has(id)) return false;
    seen.set(id, true);
    return true;
  };
}

/** The embedded default's in-process target, with the same once-per-row delivery. */
function localTarget(): LiveEventTarget {
  const inner = new EventTarget();
  const first = firstDelivery();
  return {
    addEventListener: inner.addEventListener.bind(inner),
    removeEventListener: inner.removeEventListener.bind(inner),
    dispatchEvent: (event: Event) => (first(event.type, (event as CustomEvent).detail) ? inner.dispatchEvent(event) : true),
  } as unknown as LiveEventTarget;
}

export type LiveEvents = ReturnType<typeof createLiveEvents>;

export interface LiveFanout {
  target: LiveEventTarget;
  close(): Promise<void>;
}

/**
 * An event target over a LiveChannel: `dispatchEvent` publishes to every replica (this one
 * included), and what the channel delivers is dispatched to this replica's listeners. A failed
 * publish (Redis down) loses only the live hint; the row is stored and queries still see it.
 *
 * The events dispatched in one turn of the event loop (a stored batch's rows) go out as one
 * message, one line per event: `<type>\t<JSON of its detail>` (JSON never holds a raw tab or
 * newline). A replica parses only the lines of types it has listeners for: with N replicas each
 * receives every replica's rows, and decoding rows nobody here subscribed to was most of the
 * fan-out's cost. A message of the former shape (`{"type","detail"}`, from a replica not yet
 * upgraded) is still understood. Usage travels as `storedUsage:<team>` lines (the event and its
 * createdAt); the `usage:<team>` lines of a replica of an earlier release (the built row) have no
 * listener here, nor ours there: while a rolling upgrade mixes releases, a live subscriber sees
 * the events stored by replicas of its own release (queries see them all).
 */
export async function openLiveFanout(channel: LiveChannel, onError: (error: unknown) => void = () => undefined): Promise<LiveFanout> {
  const listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  const first = firstDelivery();
  const dispatch = (type: string, detail: () => unknown) => {
    const forType = listeners.get(type);
    if (!forType) return;
    let decoded: unknown;
    try {
      decoded = detail();
    } catch (error) {
      onError(error);
      return;
    }
    if (!first(type, decoded)) return;
    const event = new CustomEvent(type, { detail: decoded });
    for (const listener of forType) {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  };
  const deliver = (message: string) => {
    // Most replicas have no live subscriber most of the time: a stored batch's message (a line per
    // event) is then not even split, instead of scanning every line for a type nobody listens to.
    if (listeners.size === 0) return;
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
  let outgoing: string[] = [];
  const flush = () => {
    const lines = outgoing;
    outgoing = [];
    channel.publish(lines.join('\n')).catch(onError);
  };
  const unsubscribe = await channel.subscribe(deliver);
  const target = {
    addEventListener(type: string, listener: EventListenerOrEventListenerObject | null) {
      if (!listener) return;
      let forType = listeners.get(type);
      if (!forType) listeners.set(type, (forType = new Set()));
      forType.add(listener);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null) {
      if (!listener) return;
      const forType = listeners.get(type);
      forType?.delete(listener);
      if (forType?.size === 0) listeners.delete(type);
    },
    dispatchEvent(event: Event) {
      const detail = (event as CustomEvent).detail;
      if (outgoing.length === 0) setImmediate(flush);
      outgoing.push(`${event.type}\t${event.type.startsWith('storedUsage') ? storedUsageJson(detail as StoredUsage) : JSON.stringify(detail, replace)}`);
      return true;
    },
  } as unknown as LiveEventTarget;
  return { target, close: unsubscribe };
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
