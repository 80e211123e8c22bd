import { createHmac } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { UsageEvent } from '../../shared/events/usage-event.ts';
import { scrubSecrets } from '../../shared/logging/redaction.ts';

/** Bump with any breaking change to the webhook body. */
export const USAGE_WEBHOOK_SCHEMA_VERSION = 1;

export interface UsageWebhookOptions {
  url: string;
  /** HMAC-SHA256 key: the receiver verifies `x-tollgate-signature` with it. */
  secret: string;
  /** Events held while the receiver is slow or down; beyond it the oldest are dropped. Default 10,000. */
  maxQueuedEvents?: number;
  /** Events per POST. Default 100. */
  maxBatch?: number;
  /** Deliveries of one batch before it is given up. Default 8 (about 1 min of backoff). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at 30 s, with jitter. Default 500 ms. */
  retryBaseMs?: number;
  /** Per-POST timeout. Default 10 s. */
  timeoutMs?: number;
  /** The metrics registry the delivery counter lives in. */
  registry?: Registry;
  onError?: (message: string) => void;
}

export interface UsageWebhook {
  /** Queues newly stored events; never throws, never waits (ingestion must not depend on the receiver). */
  enqueue(events: readonly UsageEvent[]): void;
  /** Events waiting (tests, metrics). */
  queued(): number;
  /** Resolves when the queue is empty and nothing is in flight (tests). */
  idle(): Promise<void>;
  /** Stops: one last attempt for what is queued, bounded by `deadlineMs`. */
  close(deadlineMs?: number): Promise<void>;
}

/** `sha256=<hex>` over the raw body: what `x-tollgate-signature` carries. */
export function signUsageWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Forwards stored usage events to one HTTP endpoint (Langfuse, a warehouse loader...), signed.
 * At-least-once: a batch whose answer is lost is sent again, so receivers dedupe on `id`. Runs
 * off the ingest path: a dead receiver costs memory up to `maxQueuedEvents`, never metering.
 */
export function createUsageWebhook(options: UsageWebhookOptions): UsageWebhook {
  const maxQueued = options.maxQueuedEvents ?? 10_000;
  const maxBatch = options.maxBatch ?? 100;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const onError = options.onError ?? ((message) => console.error(message));
  const counter = new Counter({
    name: 'tollgate_usage_webhook_events_total',
    help: 'Usage events sent to the usage webhook: delivered, failed (given up after retries), dropped (queue full).',
    labelNames: ['result'] as const,
    registers: options.registry ? [options.registry] : [],
  });
  for (const result of ['delivered', 'failed', 'dropped']) counter.inc({ result }, 0);

  const queue: UsageEvent[] = [];
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let closed = false;
  const idleWaiters: (() => void)[] = [];

  async function post(events: UsageEvent[]): Promise<void> {
    const body = JSON.stringify({ schemaVersion: USAGE_WEBHOOK_SCHEMA_VERSION, sentAt: new Date().toISOString(), events });
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

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      for (let attempt = 1; ; attempt++) {
        try {
          await post(batch);
          counter.inc({ result: 'delivered' }, batch.length);
          break;
        } catch (error) {
          if (attempt >= maxAttempts || closed) {
            counter.inc({ result: 'failed' }, batch.length);
            onError(
              `usage webhook: ${batch.length} events given up after ${attempt} attempts: ${scrubSecrets(error instanceof Error ? error.message : String(error))}`,
            );
            break;
          }
          const backoff = Math.min(30_000, retryBaseMs * 2 ** (attempt - 1));
          await sleep(backoff / 2 + Math.random() * (backoff / 2));
        }
      }
    }
    running = null;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  return {
    enqueue(events) {
      if (events.length === 0) return;
      queue.push(...events);
      const overflow = queue.length - maxQueued;
      if (overflow > 0) {
        queue.splice(0, overflow);
        counter.inc({ result: 'dropped' }, overflow);
        onError(`usage webhook: queue full, ${overflow} oldest events dropped`);
      }
      running ??= drain();
    },
    queued: () => queue.length,
    idle() {
      return running ? new Promise((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
    },
    async close(deadlineMs = 5_000) {
      closed = true;
      if (timer) clearTimeout(timer);
      wake?.();
      if (!running) return;
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (deadline = setTimeout(resolve, deadlineMs)))]);
      clearTimeout(deadline);
    },
  };
}
