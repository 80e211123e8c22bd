import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import { ConfigSnapshot, hashSnapshotContent } from '../../shared/snapshot/schema.ts';
import type { LiveEvents } from '../usage/live-events.ts';
import { compileSnapshot } from './compile-snapshot.ts';

export interface PublishedSnapshot {
  version: number;
  hash: string;
  createdAt: Date;
}

/**
 * Compiles, stores and announces snapshots. Runs are serialised and coalesced: a burst of
 * mutations while a run is in flight produces one more run, not one per mutation, and every
 * caller's promise settles after a run that started after its change was committed.
 */
export function createSnapshotPublisher(deps: { prisma: PrismaClient; bus: Bus; live?: LiveEvents }) {
  const { prisma, bus } = deps;
  let running: Promise<PublishedSnapshot> | null = null;
  let queued: Promise<PublishedSnapshot> | null = null;

  async function run(): Promise<PublishedSnapshot> {
    const content = await compileSnapshot(prisma);
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
    return running;
  }

  return {
    /** Publishes the current configuration; resolves once the bus holds it. */
    publish(): Promise<PublishedSnapshot> {
      if (queued) return queued;
      if (!running) return start();
      queued = running.catch(() => undefined).then(() => {
        queued = null;
        return start();
      });
      return queued;
    },
  };
}

export type SnapshotPublisher = ReturnType<typeof createSnapshotPublisher>;
