import type { MessagePort } from 'node:worker_threads';
import type { Heartbeat } from '../events/heartbeat.ts';
import type { UsageEvent } from '../events/usage-event.ts';
import { type Bus, isStoreUnavailable, type PublishedDelta, type UsageConsumer, type UsageHandler, UsageStoreUnavailable } from './bus.ts';

/**
 * A Bus across threads: the embedded default runs the control plane in a worker thread, so the
 * data plane's event loop never runs database work, and the two planes still talk only through
 * the Bus contract. The thread that owns the real bus (the in-process one) serves it on a
 * MessagePort (`serveBus`); the other thread uses `createPortBus` on the other end. Usage
 * delivery keeps the served bus's semantics: a batch is acknowledged there only once the
 * handler in the other thread has resolved (stored and committed); a rejected batch, or one in
 * flight when the other thread dies, is delivered again.
 */

type Method =
  | 'publishSnapshot'
  | 'loadSnapshot'
  | 'loadSnapshotHead'
  | 'loadSnapshotDeltas'
  | 'publishSnapshotDelta'
  | 'publishUsage'
  | 'publishUsageBatch'
  | 'usageBacklog'
  | 'publishHeartbeat';

type ToServer =
  | { t: 'call'; id: number; method: Method; args: unknown[] }
  | { t: 'listenSnapshots'; id: number }
  | { t: 'listenHeartbeats'; id: number; plane: Heartbeat['plane'] }
  | { t: 'unlisten'; id: number }
  | { t: 'consume'; id: number; name: string }
  | { t: 'stopConsume'; id: number }
  | { t: 'ack'; batch: number; error?: { message: string; storeUnavailable: boolean } };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<Extract<ToServer, { id: number }>>;

type ToClient =
  | { t: 'result'; id: number; value?: unknown; error?: string }
  | { t: 'event'; id: number; value: unknown }
  | { t: 'batch'; consumer: number; batch: number; events: UsageEvent[] };

/** Serves `bus` to the thread at the other end of `port`. */
export function serveBus(bus: Bus, port: MessagePort): { close(): Promise<void> } {
  const unlisteners = new Map<number, () => Promise<void>>();
  const consumers = new Map<number, UsageConsumer>();
  const batches = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextBatch = 0;
  const send = (message: ToClient) => port.postMessage(message);

  port.on('message', (message: ToServer) => {
    switch (message.t) {
      case 'call': {
        const method = bus[message.method] as (...args: unknown[]) => Promise<unknown>;
        method.apply(bus, message.args).then(
          (value) => send({ t: 'result', id: message.id, value }),
          (error: unknown) => send({ t: 'result', id: message.id, error: String(error) }),
        );
        return;
      }
      case 'listenSnapshots':
        void bus
          .onSnapshotAnnounced((version, delta) => send({ t: 'event', id: message.id, value: { version, delta } }))
          .then((off) => {
            unlisteners.set(message.id, off);
            send({ t: 'result', id: message.id });
          });
        return;
      case 'listenHeartbeats':
        void bus
          .onHeartbeat(message.plane, (heartbeat) => send({ t: 'event', id: message.id, value: heartbeat }))
          .then((off) => {
            unlisteners.set(message.id, off);
            send({ t: 'result', id: message.id });
          });
        return;
      case 'unlisten':
        void unlisteners
          .get(message.id)?.()
          .finally(() => send({ t: 'result', id: message.id }));
        unlisteners.delete(message.id);
        return;
      case 'consume': {
        const handler: UsageHandler = (events) =>
          new Promise<void>((resolve, reject) => {
            const batch = ++nextBatch;
            batches.set(batch, { resolve, reject });
            send({ t: 'batch', consumer: message.id, batch, events });
          });
        consumers.set(message.id, bus.consumeUsage(message.name, handler));
        send({ t: 'result', id: message.id });
        return;
      }
      case 'stopConsume': {
        const consumer = consumers.get(message.id);
        consumers.delete(message.id);
        // A batch still waiting for its handler is given back: the stopping side will not store it.
        failBatches('the consumer stopped');
        void (consumer?.stop() ?? Promise.resolve()).finally(() => send({ t: 'result', id: message.id }));
        return;
      }
      case 'ack': {
        const pending = batches.get(message.batch);
        batches.delete(message.batch);
        if (!message.error) pending?.resolve();
        else pending?.reject(message.error.storeUnavailable ? new UsageStoreUnavailable(message.error.message) : new Error(message.error.message));
        return;
      }
    }
  });

  function failBatches(reason: string) {
    for (const [batch, pending] of batches) {
      batches.delete(batch);
      pending.reject(new Error(reason));
    }
  }
  // The other thread died: its batches in flight are delivered again to whoever consumes next.
  port.on('close', () => {
    failBatches('the consuming thread is gone');
    for (const consumer of consumers.values()) void consumer.stop();
    consumers.clear();
  });

  return {
    async close() {
      for (const consumer of consumers.values()) await consumer.stop();
      consumers.clear();
      for (const off of unlisteners.values()) await off();
      unlisteners.clear();
      failBatches('the bus is closing');
      port.close();
    },
  };
}

/** The Bus of the thread at the other end of a `serveBus` port. */
export function createPortBus(port: MessagePort): Bus {
  let nextId = 0;
  const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<number, (value: unknown) => void>();
  const handlers = new Map<number, UsageHandler>();
  let closed = false;

  port.on('message', (message: ToClient) => {
    switch (message.t) {
      case 'result': {
        const call = calls.get(message.id);
        calls.delete(message.id);
        if (message.error === undefined) call?.resolve(message.value);
        else call?.reject(new Error(message.error));
        return;
      }
      case 'event':
        listeners.get(message.id)?.(message.value);
        return;
      case 'batch': {
        const handler = handlers.get(message.consumer);
        const ack = (error?: unknown) =>
          port.postMessage({
            t: 'ack',
            batch: message.batch,
            error: error === undefined ? undefined : { message: String(error), storeUnavailable: isStoreUnavailable(error) },
          } satisfies ToServer);
        if (!handler) ack(new Error('no such consumer'));
        else
          handler(message.events).then(
            () => ack(),
            (error: unknown) => ack(error ?? new Error('failed')),
          );
        return;
      }
    }
  });

  function request(message: Request): Promise<unknown> {
    const id = ++nextId;
    return requestWithId(id, message);
  }
  function requestWithId(id: number, message: Request): Promise<unknown> {
    return new Promise((resolve, reject) => {
      calls.set(id, { resolve, reject });
      port.postMessage({ ...message, id });
    });
  }
  const call = (method: Method, ...args: unknown[]) => request({ t: 'call', method, args });
  async function listen(message: WithoutId<Extract<ToServer, { t: 'listenSnapshots' | 'listenHeartbeats' }>>, listener: (value: unknown) => void) {
    const id = ++nextId;
    listeners.set(id, listener);
    await requestWithId(id, message);
    return async () => {
      listeners.delete(id);
      if (!closed) await requestWithId(id, { t: 'unlisten' }).catch(() => undefined);
    };
  }

  return {
    kind: 'memory',
    publishSnapshot: async (snapshot, options) => (await call('publishSnapshot', snapshot, options)) as boolean,
    loadSnapshot: async () => (await call('loadSnapshot')) as Awaited<ReturnType<Bus['loadSnapshot']>>,
    publishSnapshotDelta: async (delta) => (await call('publishSnapshotDelta', delta)) as Awaited<ReturnType<Bus['publishSnapshotDelta']>>,
    loadSnapshotDeltas: async (after) => (await call('loadSnapshotDeltas', after)) as Awaited<ReturnType<Bus['loadSnapshotDeltas']>>,
    loadSnapshotHead: async () => (await call('loadSnapshotHead')) as Awaited<ReturnType<Bus['loadSnapshotHead']>>,
    onSnapshotAnnounced: (listener) =>
      listen({ t: 'listenSnapshots' }, (value) => {
        const { version, delta } = value as { version: number; delta?: PublishedDelta };
        listener(version, delta);
      }),
    publishUsage: async (event) => void (await call('publishUsage', event)),
    publishUsageBatch: async (events) => void (await call('publishUsageBatch', events)),
    consumeUsage(consumerName, handler) {
      const id = ++nextId;
      handlers.set(id, handler);
      const started = requestWithId(id, { t: 'consume', name: consumerName });
      return {
        async stop() {
          await started;
          await requestWithId(id, { t: 'stopConsume' });
          handlers.delete(id);
        },
      };
    },
    usageBacklog: async () => (await call('usageBacklog')) as Awaited<ReturnType<Bus['usageBacklog']>>,
    publishHeartbeat: async (heartbeat) => void (await call('publishHeartbeat', heartbeat)),
    onHeartbeat: (plane, listener) => listen({ t: 'listenHeartbeats', plane }, (heartbeat) => listener(heartbeat as Heartbeat)),
    isConnected: () => !closed,
    async close() {
      closed = true;
      for (const call of calls.values()) call.reject(new Error('the bus is closed'));
      calls.clear();
      port.close();
    },
  };
}
