import { createHmac, randomBytes } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { scrubSecrets } from '../../shared/logging/redaction.ts';
import { createLease, runAsSingleton } from '../fleet/lease.ts';
import { deleteFromOutbox, type OutboxRow, readOutbox } from './webhook-outbox.ts';

/** Bump with any breaking change to the webhook body. */
export const USAGE_WEBHOOK_SCHEMA_VERSION = 1;

/** The singleton lease the delivering replica holds (the `Lease` table, `tollgate_singleton_held{job}`). */
export const USAGE_WEBHOOK_LEASE = 'usage-webhook';

export interface UsageWebhookOptions {
  url: string;
  /** HMAC-SHA256 key: the receiver verifies `x-tollgate-signature` with it. */
  secret: string;
  /** Events in the outbox longer than this are deleted undelivered (`dropped`). Default 72 h. */
  maxAgeMs?: number;
  /** Events per POST. Default 100. */
  maxBatch?: number;
  /** First retry delay after a failed POST; doubles per failure, capped at 30 s, with jitter. Default 500 ms. */
  retryBaseMs?: number;
  /** Per-POST timeout. Default 10 s. */
  timeoutMs?: number;
  /** How often the lease holder reads the outbox (and renews the lease). Default 1 s. */
  intervalMs?: number;
  /** Failures (a POST, the database down) and dropped events. Default: console.error. */
  onError?: (message: string) => void;
  /** The end of an outage: the database answers the delivery loop again. Default: console.info. */
  onInfo?: (message: string) => void;
}

export interface UsageWebhook {
  /** Whether this replica held the delivery lease at its last tick. */
  holding(): boolean;
  /** Stops delivering and gives the lease up; the outbox keeps what is undelivered for the next holder. */
  close(): Promise<void>;
}

/** `sha256=<hex>` over the raw body: what `x-tollgate-signature` carries. */
export function signUsageWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * `{"schemaVersion","sentAt","events":[...]}`, the events' JSON spliced in as stored: the same
 * bytes as JSON.stringify of the object, without parsing what the outbox kept as text.
 */
export function usageWebhookBody(events: readonly string[], sentAt: Date): string {
  return `{"schemaVersion":${USAGE_WEBHOOK_SCHEMA_VERSION},"sentAt":${JSON.stringify(sentAt.toISOString())},"events":[${events.join(',')}]}`;
}

/**
 * Forwards stored usage events to one HTTP endpoint (Langfuse, a warehouse loader...), signed,
 * from the durable outbox (webhook-outbox.ts) that ingestion fills in the events' own statement.
 * One replica delivers at a time: the holder of the `usage-webhook` lease (fleet/lease.ts). It
 * reads the oldest events, POSTs them, and deletes them once the receiver answered 2xx. A failed
 * POST leaves them in the outbox and is retried with backoff; events older than `maxAgeMs` are
 * deleted undelivered. When the holder dies, its lease expires and another replica resumes from
 * the outbox. At least once: a batch acknowledged but not yet deleted when its holder died (or
 * stalled past its lease) is sent again, so receivers dedupe on `id`. Ingestion never waits on it.
 */
export function createUsageWebhook(prisma: PrismaClient, instanceId: string, options: UsageWebhookOptions, registry?: Registry): UsageWebhook {
  const maxAgeMs = options.maxAgeMs ?? 72 * 3_600_000;
  const maxBatch = options.maxBatch ?? 100;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 1_000;
  const onError = options.onError ?? ((message) => console.error(message));
  const onInfo = options.onInfo ?? ((message) => console.info(message));
  const counter = new Counter({
    name: 'tollgate_usage_webhook_events_total',
    help: 'Usage events of the usage webhook: delivered (acknowledged), failed (in a POST that failed; retried), dropped (older than the outbox age bound).',
    labelNames: ['result'] as const,
    registers: registry ? [registry] : [],
  });
  for (const result of ['delivered', 'failed', 'dropped']) counter.inc({ result }, 0);
  const backlogAge = new Gauge({
    name: 'tollgate_usage_webhook_backlog_age_seconds',
    help: "Age of the oldest undelivered usage webhook event at the lease holder's last read of the outbox; 0 when it was empty, and on other replicas.",
    registers: registry ? [registry] : [],
    collect() {
      if (!singleton.holding()) this.set(0);
    },
  });

  let failures = 0;
  let retryAt = 0;
  let closed = false;

  async function post(events: readonly string[]): Promise<void> {
    const body = usageWebhookBody(events, new Date());
    const response = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tollgate-signature': signUsageWebhook(options.secret, body),
        'x-tollgate-timestamp': String(Math.floor(Date.now() / 1000)),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`usage webhook answered ${response.status}`);
  }

  /** One POST of `rows`; false when it failed (the next attempt waits for the backoff). */
  async function deliver(rows: OutboxRow[]): Promise<boolean> {
    try {
      await post(rows.map((row) => row.event));
    } catch (error) {
      failures++;
      counter.inc({ result: 'failed' }, rows.length);
      const backoff = Math.min(30_000, retryBaseMs * 2 ** (failures - 1));
      retryAt = Date.now() + backoff / 2 + Math.random() * (backoff / 2);
      onError(
        `usage webhook: ${rows.length} events not delivered (failure ${failures} in a row, kept in the outbox): ${scrubSecrets(error instanceof Error ? error.message : String(error))}`,
      );
      return false;
    }
    failures = 0;
    await deleteFromOutbox(prisma, rows);
    counter.inc({ result: 'delivered' }, rows.length);
    return true;
  }

  /**
   * The lease holder's tick: batches until the outbox is empty, a POST fails, or the tick's time is
   * up (the lease is renewed between ticks, so a tick stays within one interval plus one POST).
   */
  async function deliverSome(): Promise<void> {
    const started = Date.now();
    while (!closed && Date.now() >= retryAt && Date.now() - started < intervalMs) {
      const rows = await readOutbox(prisma, maxBatch, maxAgeMs);
      backlogAge.set(rows[0]?.ageSeconds ?? 0);
      if (rows.length === 0) return;
      const expired = rows.filter((row) => row.expired);
      if (expired.length > 0) {
        await deleteFromOutbox(prisma, expired);
        counter.inc({ result: 'dropped' }, expired.length);
        onError(`usage webhook: ${expired.length} events older than ${Math.round(maxAgeMs / 1000)} s dropped from the outbox undelivered`);
        continue;
      }
      if (!(await deliver(rows))) return;
    }
  }

  // Longer than one tick's work (an interval, then one POST up to its timeout): a live holder never loses it.
  const lease = createLease(prisma, USAGE_WEBHOOK_LEASE, `${instanceId}-${randomBytes(4).toString('hex')}`, 3 * intervalMs + timeoutMs);
  // The database down fails every tick: its first failure is logged, then a reminder a minute, then its end.
  const singleton = runAsSingleton(lease, intervalMs, deliverSome, {
    failed: (error, failures) =>
      onError(
        `usage webhook: ${failures > 1 ? `still failing (${failures} ticks in a row): ` : ''}${scrubSecrets(error instanceof Error ? error.message : String(error))}`,
      ),
    recovered: (failures) => onInfo(`usage webhook: back after ${failures} failed ticks (the database answers again)`),
  });
  return {
    holding: () => singleton.holding(),
    async close() {
      closed = true;
      await singleton.stop();
    },
  };
}
