import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../shared/bus/bus.ts';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { controlPlaneProcessEnv, type PlaneProcess, spawnPlane, waitUntil } from '../support/processes.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';
import { usageEvent } from '../support/usage-events.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

const SECRET = 'failover-webhook-secret-0123';
const INTERVAL_MS = 100;

/** A receiver that checks signatures and records every id it acknowledged, duplicates included; `down`: 503. */
async function startReceiver() {
  const state = { ids: [] as string[], badSignatures: 0, down: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.headers['x-tollgate-signature'] !== `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`) {
        state.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      if (state.down) {
        res.writeHead(503).end();
        return;
      }
      state.ids.push(...(JSON.parse(raw.toString('utf8')) as { events: { id: string }[] }).events.map((event) => event.id));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/usage`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The usage webhook under replica deaths: three control plane processes on one PostgreSQL and one
 * Redis, usage flowing in all along. The replica holding the webhook's lease is killed with
 * SIGKILL while the receiver is up, then its successor is killed while the receiver is down. At
 * the end the receiver has acknowledged every event of the ledger and nothing else: what a dead
 * holder had not delivered was still in the outbox for the next one.
 */
describe.skipIf(!servicesUp)('usage webhook: lease holder killed', () => {
  const prefix = `tollgate-hook-${randomBytes(4).toString('hex')}`;
  const database = scratchDatabase('hook');
  const planes: PlaneProcess[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let bus: Bus | undefined;

  beforeAll(async () => {
    await database.create();
    receiver = await startReceiver();
  });

  afterAll(async () => {
    for (const plane of planes) plane.child.kill('SIGKILL');
    await bus?.close();
    await receiver?.close();
    await database.drop();
  });

  const alive = () => planes.filter((plane) => plane.child.exitCode === null && plane.child.signalCode === null);
  const holds = async (plane: PlaneProcess) => /^tollgate_singleton_held\{job="usage-webhook"\} 1$/m.test(await (await fetch(`${plane.url}/metrics`)).text());
  const holder = async () => {
    for (const plane of alive()) if (await holds(plane).catch(() => false)) return plane;
    return undefined;
  };

  it('every stored event reaches the receiver, across two holders killed (one while the receiver is down)', async () => {
    const env = controlPlaneProcessEnv(database.url, prefix, {
      TOLLGATE_SNAPSHOT_CHECK_INTERVAL_MS: '0',
      TOLLGATE_USAGE_CLAIM_IDLE_MS: '1000',
      TOLLGATE_USAGE_WEBHOOK_URL: receiver.url,
      TOLLGATE_USAGE_WEBHOOK_SECRET: SECRET,
      TOLLGATE_USAGE_WEBHOOK_INTERVAL_MS: String(INTERVAL_MS),
    });
    for (let i = 0; i < 3; i++) planes.push(await spawnPlane('control-plane/main.ts', { ...env, TOLLGATE_INSTANCE_ID: `hook-cp-${i}` }, 60_000));

    // Usage flows in throughout, as data planes would send it.
    bus = createRedisBus({ url: redisUrl(), prefix });
    const published: string[] = [];
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        const batch = Array.from({ length: 5 }, () => usageEvent('team-hook', 'key-hook'));
        await bus!.publishUsageBatch(batch);
        published.push(...batch.map((event) => event.id));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    await waitUntil(() => receiver.state.ids.length >= 30, 30_000, 'first deliveries');
    const first = await waitUntil(holder, 10_000, 'a lease holder');
    first.child.kill('SIGKILL');
    await first.exited();

    receiver.state.down = true;
    const second = await waitUntil(holder, 30_000, 'the lease taken over');
    expect(second).not.toBe(first);
    // The new holder is failing to deliver (the receiver is down) while events keep coming.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const acknowledgedBeforeSecondKill = receiver.state.ids.length;
    second.child.kill('SIGKILL');
    await second.exited();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.state.ids.length).toBe(acknowledgedBeforeSecondKill);
    receiver.state.down = false;

    const last = await waitUntil(holder, 30_000, 'the lease taken over again');
    expect(alive()).toEqual([last]);
    publishing = false;
    await publisher;

    const ledger = new pg.Client({ connectionString: database.url });
    await ledger.connect();
    try {
      // The killed replicas' unacknowledged stream entries are claimed and stored by the survivor.
      await waitUntil(
        async () => Number((await ledger.query('SELECT count(*) FROM "UsageEvent"')).rows[0].count) === published.length,
        30_000,
        'every event stored',
      );
      await waitUntil(async () => Number((await ledger.query('SELECT count(*) FROM "UsageWebhookOutbox"')).rows[0].count) === 0, 30_000, 'the outbox drained');
      const stored = (await ledger.query<{ id: string }>('SELECT "id" FROM "UsageEvent"')).rows.map((row) => row.id).sort();
      const acknowledged = [...new Set(receiver.state.ids)].sort();
      expect(stored).toEqual([...published].sort());
      expect(acknowledged).toEqual(stored);
      expect(receiver.state.badSignatures).toBe(0);
      // Sent again: at most the one batch (100 events) the first holder had POSTed but not deleted when killed.
      expect(receiver.state.ids.length - acknowledged.length).toBeLessThanOrEqual(100);
      console.log(
        `webhook failover: ${published.length} events stored, ${receiver.state.ids.length} acknowledged POSTed events (${receiver.state.ids.length - acknowledged.length} sent again)`,
      );
    } finally {
      await ledger.end();
    }
  }, 240_000);
});
