import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import { ConfigSnapshot, hashSnapshotContent } from '../../shared/snapshot/schema.ts';
import type { LiveEvents } from '../usage/live-events.ts';
import { compileSnapshot, nextScheduledChange } from './compile-snapshot.ts';

// setTimeout's limit is about 24.8 days; a later change is re-checked when this one fires.
const MAX_TIMER_MS = 2_147_000_000;
const RETRY_MS = 1000;

export interface PublishedSnapshot {
  version: number;
  hash: string;
  createdAt: Date;
}

/**
 * How long a publication request waits for others to join it. Long enough to gather a burst of
 * mutations (on PGlite they commit one after another), short enough not to be felt by a client.
 */
export const DEFAULT_COALESCE_MS = 15;

/**
 * Compiles, stores and announces snapshots. Runs are serialised and coalesced: requests made
 * within a short window, or while a run is in flight, share one next run, and every caller's
 * promise settles after a run that started after its change was committed. Each run compiles
 * one consistent state, so no snapshot holds part of a transaction.
 */
export function createSnapshotPublisher(deps: { prisma: PrismaClient; bus: Bus; live?: LiveEvents; coalesceMs?: number }) {
  const { prisma, bus } = deps;
  const coalesceMs = deps.coalesceMs ?? DEFAULT_COALESCE_MS;
  let running: Promise<PublishedSnapshot> | null = null;
  let queued: Promise<PublishedSnapshot> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  /** Compiles again when a future price version takes effect, though no row changes then. */
  async function scheduleNext(now: Date) {
    const next = await nextScheduledChange(prisma, now);
    if (timer) clearTimeout(timer);
    timer = null;
    if (!next || closed) return;
    timer = setTimeout(() => {
      timer = null;
      publish().catch((error: unknown) => console.error('scheduled snapshot publication failed', error));
    }, Math.min(Math.max(next.getTime() - Date.now(), 0) + 5, MAX_TIMER_MS));
    timer.unref();
  }

  async function run(): Promise<PublishedSnapshot> {
    const now = new Date();
    // One repeatable-read transaction: every row read belongs to the same committed state, so a
    // transaction committing mid-compile is either wholly in this snapshot or wholly in the next.
    const content = await prisma.$transaction((tx) => compileSnapshot(tx, now), { isolationLevel: 'RepeatableRead' });
    await scheduleNext(now);
    const hash = hashSnapshotContent(content);
    const latest = await prisma.snapshot.findFirst({ orderBy: { version: 'desc' } });
    if (latest && latest.hash === hash) {
      // Nothing changed; make sure the bus has it anyway (a fresh Redis, say).
      await bus.publishSnapshot({ version: latest.version, json: latest.body });
      return latest;
    }
    const version = (latest?.version ?? 0) + 1;
    const createdAt = new Date();
    const snapshot: ConfigSnapshot = { ...content, version, hash, createdAt: createdAt.toISOString() };
    const json = JSON.stringify(snapshot);
    // Stored first: the database is the truth, the bus message only a hint to re-read.
    await prisma.snapshot.create({ data: { version, hash, body: json, createdAt } });
    await bus.publishSnapshot({ version, json });
    deps.live?.publish('snapshot', { version, hash, createdAt });
    return { version, hash, createdAt };
  }

  function start(): Promise<PublishedSnapshot> {
    running = run().finally(() => {
      running = null;
    });
    // A failed run (the bus down, say) is retried until one succeeds: the change is committed,
    // and the data planes must get it without waiting for the next mutation.
    running.catch((error: unknown) => {
      console.error('snapshot publication failed; retrying', error instanceof Error ? error.message : error);
      if (closed) return;
      setTimeout(() => void publish().catch(() => undefined), RETRY_MS).unref();
    });
    return running;
  }

  function publish(): Promise<PublishedSnapshot> {
    if (queued) return queued;
    const previous = running ? running.catch(() => undefined) : Promise.resolve();
    queued = previous
      .then(() => new Promise((resolve) => setTimeout(resolve, coalesceMs)))
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  }

  return {
    /** Publishes the current configuration; resolves once the bus holds it. */
    publish,
    /** Stops the scheduled re-compile; waits for a run in flight. */
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([running, queued]);
    },
  };
}

export type SnapshotPublisher = ReturnType<typeof createSnapshotPublisher>;
