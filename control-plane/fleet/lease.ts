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

/** A run of failed ticks is reported once, then at most this often while it lasts. */
export const SINGLETON_FAILURE_REMINDER_MS = 60_000;

/** What `runAsSingleton` tells its owner about failed ticks (the database down). */
export interface SingletonReports {
  /**
   * A tick failed: called for the first failure of a run of them, then at most once per
   * SINGLETON_FAILURE_REMINDER_MS while the run lasts. `failures`: the run's failed ticks so far.
   */
  failed(error: unknown, failures: number): void;
  /** The first tick that went through after a run of `failures` failed ones. */
  recovered(failures: number): void;
}

/**
 * Runs `job` every `intervalMs` on whichever replica holds the lease (renewed at every tick, so
 * the TTL must exceed the interval plus the longest job). Failures (the database down) are retried
 * at the next tick; an outage is reported when it starts, reminded of once a minute and reported
 * when it ends, not at every tick. A tick that comes while the previous one still runs is skipped,
 * not queued, so a slow job never leaves a burst of ticks behind it. `holding()` tells whether
 * this replica held the lease at its last tick (the fleet metric).
 */
export function runAsSingleton(lease: Lease, intervalMs: number, job: () => Promise<unknown>, reports?: SingletonReports) {
  let held = false;
  /** The tick in progress, if any: a tick that comes meanwhile is skipped, and stop() waits for it. */
  let running: Promise<void> | null = null;
  let failures = 0;
  let reportedAt = 0;
  const failed = (error: unknown) => {
    failures++;
    if (failures > 1 && Date.now() - reportedAt < SINGLETON_FAILURE_REMINDER_MS) return;
    reportedAt = Date.now();
    reports?.failed(error, failures);
  };
  const tick = () => {
    if (running) return;
    running = (async () => {
      held = await lease.tryHold();
      if (held) await job();
      if (failures > 0) reports?.recovered(failures);
      failures = 0;
    })()
      .catch(failed)
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
      // A lease not given up expires after its TTL: another replica waits that long, no more.
      if (held) await lease.release().catch(failed);
      held = false;
    },
  };
}
