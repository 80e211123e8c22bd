import type { PrismaClient } from '../../generated/prisma/client.ts';

/**
 * A lease on a singleton job among control plane replicas, kept in the database they share.
 * `tryHold` takes the lease when it is free or expired, or renews it when this replica holds it,
 * in one statement (so two replicas racing never both win), and says whether this replica holds
 * it now. A holder that dies stops renewing: another replica takes over once `ttlMs` has passed.
 */
export interface Lease {
  readonly name: string;
  tryHold(): Promise<boolean>;
  /** Gives the lease up (a clean stop), so another replica need not wait for it to expire. */
  release(): Promise<void>;
}

export function createLease(prisma: PrismaClient, name: string, holder: string, ttlMs: number): Lease {
  return {
    name,
    async tryHold() {
      const rows = await prisma.$queryRawUnsafe<{ holder: string }[]>(
        `INSERT INTO "Lease" ("name", "holder", "expiresAt") VALUES ($1, $2, now() + ($3::int * interval '1 millisecond'))
         ON CONFLICT ("name") DO UPDATE SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt"
         WHERE "Lease"."holder" = EXCLUDED."holder" OR "Lease"."expiresAt" < now()
         RETURNING "holder"`,
        name,
        holder,
        ttlMs,
      );
      return rows.length === 1 && rows[0].holder === holder;
    },
    async release() {
      await prisma.lease.deleteMany({ where: { name, holder } });
    },
  };
}

/**
 * Runs `job` every `intervalMs` on whichever replica holds the lease (renewed at every tick, so
 * the TTL must exceed the interval plus the longest job). Failures (the database down) are retried
 * at the next tick. A tick that comes while the previous one still runs is skipped, not queued,
 * so a slow job never leaves a burst of ticks behind it. `holding()` tells whether this replica
 * held the lease at its last tick (the fleet metric).
 */
export function runAsSingleton(lease: Lease, intervalMs: number, job: () => Promise<unknown>, onError: (error: unknown) => void = () => undefined) {
  let held = false;
  /** The tick in progress, if any: a tick that comes meanwhile is skipped, and stop() waits for it. */
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      held = await lease.tryHold();
      if (held) await job();
    })()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    holding: () => held,
    async stop() {
      clearInterval(timer);
      await running;
      if (held) await lease.release().catch(onError);
      held = false;
    },
  };
}
