import { describe, expect, it } from 'vitest';
import type { LiveChannel } from '../../shared/bus/bus.ts';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { createLiveEvents, openLiveFanout, SUBSCRIBER_BACKLOG } from './live-events.ts';

// The embedded default's live events (one control plane, no Redis fan-out): what a subscriber to
// a team's stored usage receives. The Redis fan-out is covered end to end by
// test/operations/control-plane-replicas.test.ts.

const TEAM = 'team-live';
const stored = (id: string) => ({ event: { id, teamId: TEAM } as UsageEvent, createdAt: new Date() });
type Live = ReturnType<typeof createLiveEvents>;

/** The ids one subscriber receives while `publish` runs (in one go, as a stored batch is), and how it ended. */
async function received(publish: (live: Live) => void, before?: (live: Live) => void) {
  const live = createLiveEvents();
  before?.(live);
  const subscription = live.subscribe('storedUsage', TEAM)[Symbol.asyncIterator]();
  const ids: string[] = [];
  const reading = (async () => {
    for (let next = await subscription.next(); !next.done; next = await subscription.next()) {
      if (next.value.event.id === 'end') return null;
      ids.push(next.value.event.id);
    }
    return null;
  })().catch((error: { extensions?: { code?: string } }) => error.extensions?.code ?? String(error));
  // The subscription listens once its first read waits.
  await new Promise((resolve) => setImmediate(resolve));
  publish(live);
  live.publish('storedUsage', TEAM, stored('end'));
  const ended = await reading;
  await subscription.return?.();
  return { ids, ended };
}

const publishAll = (live: Live, ids: string[]) => {
  for (const id of ids) live.publish('storedUsage', TEAM, stored(id));
};
const range = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);

describe('live usage events', () => {
  it('delivers an event once to a subscriber, however often it is published again', async () => {
    expect(await received((live) => publishAll(live, ['a', 'b', 'a', 'c', 'b']))).toEqual({ ids: ['a', 'b', 'c'], ended: null });
  });

  it('delivers an event published again to a subscriber that was not listening the first time', async () => {
    const result = await received(
      (live) => publishAll(live, ['early']),
      (live) => publishAll(live, ['early']),
    );
    expect(result.ids).toEqual(['early']);
  });

  it('delivers a whole stored batch of 2,000 events that arrives in one go', async () => {
    expect(await received((live) => publishAll(live, range(2_000)))).toEqual({ ids: range(2_000), ended: null });
  });

  it(`ends a subscriber that falls more than ${SUBSCRIBER_BACKLOG} events behind, after what it had waiting`, async () => {
    const { ids, ended } = await received((live) => publishAll(live, range(SUBSCRIBER_BACKLOG + 5)));
    expect(ended).toBe('SUBSCRIBER_TOO_SLOW');
    // One went straight to the waiting read, SUBSCRIBER_BACKLOG more waited.
    expect(ids).toEqual(range(SUBSCRIBER_BACKLOG + 1));
  });

  it('remembers the last 100,000 delivered events: an older one published again is delivered again', async () => {
    // Read in turns, as a connected subscriber does, so the backlog never builds up.
    const live = createLiveEvents();
    const subscription = live.subscribe('storedUsage', TEAM)[Symbol.asyncIterator]();
    const ids: string[] = [];
    const reading = (async () => {
      for (let next = await subscription.next(); !next.done; next = await subscription.next()) {
        if (next.value.event.id === 'end') return;
        ids.push(next.value.event.id);
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    const all = range(100_001);
    for (let i = 0; i < all.length; i += 1_000) {
      publishAll(live, all.slice(i, i + 1_000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    publishAll(live, ['e1', 'e0', 'end']); // e1 is still in the window; e0 was pushed out by e100000
    await reading;
    expect(ids.length).toBe(100_002);
    expect(ids.slice(-2)).toEqual(['e100000', 'e0']);
  });

  it("hands a stored batch to the replicas' channel before the code awaiting the batch goes on (the acknowledgement)", async () => {
    const { channel, sent } = replicasChannel([`storedUsage:${TEAM}`]);
    const fanout = await openLiveFanout(channel);
    const live = createLiveEvents(fanout);
    // As the ingestor does: store (awaited), publish the batch's events in one go, await `sent`;
    // the bus acknowledges the batch after. A replica killed there must have sent the message.
    const ingest = async () => {
      await Promise.resolve();
      publishAll(live, ['a', 'b']);
      live.publish('budget', TEAM, true);
      await live.sent();
    };
    await ingest();
    expect(sent).toHaveLength(1);
    expect(typesOf(sent[0]!)).toEqual([`storedUsage:${TEAM}`, `storedUsage:${TEAM}`, `budget:${TEAM}`]);
    await fanout.close();
  });

  it('sends the stored usage of the teams some replica listens to, and no usage of the others', async () => {
    const { channel, sent } = replicasChannel([`storedUsage:${TEAM}`]);
    const fanout = await openLiveFanout(channel);
    const live = createLiveEvents(fanout);
    live.publish('storedUsage', 'team-nobody-watches', stored('x'));
    publishAll(live, ['a']);
    live.publish('budget', 'team-nobody-watches', true);
    await live.sent();
    expect(sent.map(typesOf)).toEqual([[`storedUsage:${TEAM}`, 'budget:team-nobody-watches']]);
    // A batch none of whose teams is watched sends no usage at all.
    live.publish('storedUsage', 'team-nobody-watches', stored('y'));
    await live.sent();
    expect(sent).toHaveLength(1);
    await fanout.close();
  });

  it("marks a team's usage as listened to when a subscriber of it arrives on this replica", async () => {
    const { channel, marked } = replicasChannel([]);
    const fanout = await openLiveFanout(channel);
    const live = createLiveEvents(fanout);
    const subscription = live.subscribe('storedUsage', TEAM)[Symbol.asyncIterator]();
    const reading = subscription.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(marked).toEqual([`storedUsage:${TEAM}`]);
    await subscription.return?.();
    await reading;
    await fanout.close();
  });

  it('sends every stored event when the channel cannot say who listens (Redis unreachable)', async () => {
    const { channel, sent } = replicasChannel(null);
    const fanout = await openLiveFanout(channel);
    const live = createLiveEvents(fanout);
    live.publish('storedUsage', 'team-nobody-watches', stored('x'));
    await live.sent();
    expect(sent.map(typesOf)).toEqual([['storedUsage:team-nobody-watches']]);
    await fanout.close();
  });
});

/** A replicas' channel that records what is published and marked; `listened`: the marked topics (null: the question fails). */
function replicasChannel(listened: string[] | null) {
  const sent: string[] = [];
  const marked: string[] = [];
  const channel: LiveChannel = {
    publish: async (message) => void sent.push(message),
    subscribe: async () => async () => undefined,
    markInterest: async (topics) => void marked.push(...topics),
    interested: async (topics) => {
      if (listened === null) throw new Error('Connection is closed.');
      return new Set(topics.filter((topic) => listened.includes(topic)));
    },
  };
  return { channel, sent, marked };
}

const typesOf = (message: string) => message.split('\n').map((line) => line.slice(0, line.indexOf('\t')));
