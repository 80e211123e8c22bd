import type { PrismaClient } from '../../generated/prisma/client.ts';

export interface DatabaseHealth {
  /** The last probe's answer (true until a probe failed). */
  isUp(): boolean;
  /** Probes now (SELECT 1, bounded by a timeout); concurrent calls share one probe. */
  probe(): Promise<boolean>;
  start(): void;
  stop(): void;
}

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Watches the database, for /readyz, the `database_down` degraded mode (sent to the data planes in
 * the control-plane heartbeat) and metrics. Failures of real requests also flip it (see
 * `isDatabaseUnavailable`), so the state is right between probes.
 */
export function createDatabaseHealth(prisma: Pick<PrismaClient, '$queryRawUnsafe'>, intervalMs = 5_000): DatabaseHealth {
  let up = true;
  let probing: Promise<boolean> | null = null;
  let timer: NodeJS.Timeout | null = null;

  function probe(): Promise<boolean> {
    probing ??= (async () => {
      let timeout: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          prisma.$queryRawUnsafe('SELECT 1'),
          new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error('database probe timed out')), PROBE_TIMEOUT_MS))),
        ]);
        up = true;
      } catch {
        up = false;
      } finally {
        clearTimeout(timeout);
        probing = null;
      }
      return up;
    })();
    return probing;
  }

  return {
    isUp: () => up,
    probe,
    start() {
      timer ??= setInterval(() => void probe(), intervalMs).unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/**
 * Whether an error means "the database cannot be reached" (as opposed to a bug or a constraint):
 * Prisma's connection error codes, driver adapter connection failures, and socket errors.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth++) {
    const candidate = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (/^P10(0[0-2]|17)$/.test(code) || /^P2024$/.test(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P03', '08006', '08001', '08003'].includes(code))
      return true;
    if (candidate.name === 'PrismaClientInitializationError') return true;
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    if (
      /ECONNREFUSED|ECONNRESET|Connection terminated|connection (?:is )?closed|Can't reach database server|timeout exceeded when trying to connect/i.test(
        message,
      )
    )
      return true;
    current = candidate.originalError ?? candidate.cause;
  }
  return false;
}
