import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { usageEvent } from '../support/usage-events.ts';

const SECRET = 'webhook-secret-0123456789';

interface Receiver {
  url: string;
  ids: string[];
  badSignatures: number;
  requests: number;
  close(): Promise<void>;
}

/**
 * A receiver that verifies the signature the way a customer would; fails the first `failFirst`
 * POSTs. `port`: listen there (a receiver that comes back where it was).
 */
async function startReceiver(failFirst = 0, port = 0): Promise<Receiver> {
  const state = { ids: [] as string[], badSignatures: 0, requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      state.requests++;
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-tollgate-signature'] ?? ''));
      const timestamp = Number(req.headers['x-tollgate-timestamp']);
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || !(Math.abs(Date.now() / 1000 - timestamp) < 300)) {
        state.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      if (state.requests <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      const body = JSON.parse(raw.toString('utf8')) as { schemaVersion: number; events: { id: string }[] };
      expect(body.schemaVersion).toBe(1);
      state.ids.push(...body.events.map((event) => event.id));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get ids() {
      return state.ids;
    },
    get badSignatures() {
      return state.badSignatures;
    },
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('usage webhook', () => {
  let h: ControlPlaneHarness | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await h?.close();
    await receiver?.close();
    h = receiver = undefined;
  });

  const metrics = async () => (await fetch(h!.controlPlane.url.replace('/graphql', '/metrics'))).text();
  const outboxed = () => h!.database.prisma.usageWebhookOutbox.count();

  it('delivers each newly stored event once, signed, after retrying a failing receiver, and empties its outbox', async () => {
    receiver = await startReceiver(2);
    h = await startControlPlaneHarness({ controlPlane: { usageWebhook: { url: receiver.url, secret: SECRET, retryBaseMs: 20, intervalMs: 50 } } });
    const events = Array.from({ length: 5 }, () => usageEvent('team-w', 'key-w'));
    for (const event of events) await h.bus.publishUsage(event);
    // A redelivered duplicate is not stored again, so it is not forwarded again.
    await h.bus.publishUsage(events[0]);
    await vi.waitFor(() => expect(receiver!.ids.length).toBeGreaterThanOrEqual(5), { timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...receiver.ids].sort()).toEqual(events.map((event) => event.id).sort());
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.requests).toBeGreaterThanOrEqual(3);
    expect(await metrics()).toContain('tollgate_usage_webhook_events_total{result="delivered"} 5');
    expect(await metrics()).toMatch(/^tollgate_singleton_held\{job="usage-webhook"\} 1$/m);
    await vi.waitFor(async () => expect(await outboxed()).toBe(0), { timeout: 5_000 });
  });

  it('a dead receiver never stops metering; its events wait in the outbox and go out when it is back', async () => {
    receiver = await startReceiver();
    const deadUrl = receiver.url;
    const port = Number(new URL(deadUrl).port);
    await receiver.close();
    receiver = undefined;
    h = await startControlPlaneHarness({ controlPlane: { usageWebhook: { url: deadUrl, secret: SECRET, retryBaseMs: 5, intervalMs: 50 } } });
    const events = Array.from({ length: 3 }, () => usageEvent('team-d', 'key-d'));
    for (const event of events) await h.bus.publishUsage(event);
    await vi.waitFor(async () => expect(await h!.database.prisma.usageEvent.count({ where: { teamId: 'team-d' } })).toBe(3), { timeout: 5_000 });
    await vi.waitFor(async () => expect(await metrics()).toMatch(/^tollgate_usage_webhook_events_total\{result="failed"\} [1-9]/m), { timeout: 5_000 });
    expect(await outboxed()).toBe(3);
    await vi.waitFor(
      async () =>
        expect(await metrics()).toMatch(/^tollgate_usage_webhook_backlog_age_seconds 0\.[0-9]*[1-9]|^tollgate_usage_webhook_backlog_age_seconds [1-9]/m),
      {
        timeout: 5_000,
      },
    );

    receiver = await startReceiver(0, port);
    await vi.waitFor(() => expect([...receiver!.ids].sort()).toEqual(events.map((event) => event.id).sort()), { timeout: 10_000 });
    await vi.waitFor(async () => expect(await outboxed()).toBe(0), { timeout: 5_000 });
    expect(await metrics()).toContain('tollgate_usage_webhook_events_total{result="delivered"} 3');
    await vi.waitFor(async () => expect(await metrics()).toMatch(/^tollgate_usage_webhook_backlog_age_seconds 0$/m), { timeout: 5_000 });
  });

  it('drops events older than the outbox age bound, undelivered, and counts them', async () => {
    receiver = await startReceiver(1_000_000);
    h = await startControlPlaneHarness({
      controlPlane: { usageWebhook: { url: receiver.url, secret: SECRET, retryBaseMs: 5, intervalMs: 50, maxAgeMs: 300 } },
    });
    for (const event of Array.from({ length: 4 }, () => usageEvent('team-o', 'key-o'))) await h.bus.publishUsage(event);
    await vi.waitFor(async () => expect(await metrics()).toContain('tollgate_usage_webhook_events_total{result="dropped"} 4'), { timeout: 10_000 });
    expect(await outboxed()).toBe(0);
    expect(await h.database.prisma.usageEvent.count({ where: { teamId: 'team-o' } })).toBe(4);
    expect(receiver.ids).toEqual([]);
  });

  it('without a webhook, ingestion writes no outbox', async () => {
    h = await startControlPlaneHarness();
    const event = usageEvent('team-n', 'key-n');
    await h.bus.publishUsage(event);
    await vi.waitFor(async () => expect(await h!.database.prisma.usageEvent.count({ where: { id: event.id } })).toBe(1), { timeout: 5_000 });
    expect(await outboxed()).toBe(0);
    expect(await metrics()).not.toContain('job="usage-webhook"');
  });
});
