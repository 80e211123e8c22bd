import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../shared/bus/bus.ts';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_ADMIN_KEY, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { controlPlaneProcessEnv, type PlaneProcess, spawnPlane } from '../support/processes.ts';
import { scratchDatabase } from '../support/scratch-database.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';
import { usageEvent } from '../support/usage-events.ts';
import { subscribe, wsClient } from '../support/ws-client.ts';

const servicesUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(postgresUrl())) && (await isReachable(redisUrl())));

/**
 * Two control plane replicas on one PostgreSQL schema and one Redis: the usage consumer group
 * spreads ingestion over both, and a live-usage subscriber on either replica sees every event of
 * its team exactly once, whichever replica stored it.
 */
describe.skipIf(!servicesUp)('control plane replicas', () => {
  const prefix = `tollgate-replicas-${randomBytes(4).toString('hex')}`;
  const buses: Bus[] = [];
  let a: ControlPlaneHarness;
  let b: ControlPlaneHarness;
  let teamId = '';

  const redisBus = () => {
    const bus = createRedisBus({ url: redisUrl(), prefix });
    buses.push(bus);
    return bus;
  };
  const ingested = async (replica: ControlPlaneHarness) => {
    const text = await (await fetch(replica.controlPlane.url.replace(/\/graphql$/, '/metrics'))).text();
    return Number(/^tollgate_usage_ingested_events_total (\d+)/m.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    a = await startControlPlaneHarness({ postgresUrl: postgresUrl(), bus: redisBus(), controlPlane: { consumerName: 'replica-a' } });
    b = await startControlPlaneHarness({ postgresUrl: postgresUrl(), joinSchema: a.schema, bus: redisBus(), controlPlane: { consumerName: 'replica-b' } });
    const team = await a.gql(`mutation { createTeam(input: { name: "Replicas", slug: "replicas" }) { ... on MutationCreateTeamSuccess { data { id } } } }`);
    teamId = team.data.createTeam.data.id;
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    for (const bus of buses) await bus.close();
  });

  it('a subscriber on each replica sees every stored event of its team once, whichever replica stored it', async () => {
    const apiKeyId = 'key-replicas';
    const seen = { a: [] as string[], b: [] as string[] };
    const clients = { a: wsClient(a.controlPlane.url, TEST_ADMIN_KEY), b: wsClient(b.controlPlane.url, TEST_ADMIN_KEY) };
    const listen = async (name: 'a' | 'b') => {
      for await (const result of subscribe(clients[name], 'subscription($t: ID!) { usage(teamId: $t) { id } }', { t: teamId })) {
        if (result.data) seen[name].push(result.data.usage.id);
      }
    };
    const listening = [listen('a'), listen('b')];
    // Subscriptions are set up asynchronously: probe events until both replicas deliver one.
    const dataPlane = redisBus();
    const probes = new Set<string>();
    const bothListen = () => [...probes].some((id) => seen.a.includes(id)) && [...probes].some((id) => seen.b.includes(id));
    for (let tries = 0; !bothListen(); tries++) {
      if (tries > 100) throw new Error('the subscriptions never started');
      const probe = usageEvent(teamId, apiKeyId);
      probes.add(probe.id);
      await dataPlane.publishUsage(probe);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    // Every probe stored before counting what each replica stores of the events under test.
    for (let tries = 0; (await ingested(a)) + (await ingested(b)) < probes.size; tries++) {
      if (tries > 200) throw new Error('the probes were never stored');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const before = { a: await ingested(a), b: await ingested(b) };
    const events = Array.from({ length: 120 }, () => usageEvent(teamId, apiKeyId));
    for (let i = 0; i < events.length; i += 10) {
      await dataPlane.publishUsageBatch(events.slice(i, i + 10));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ids = events.map((event) => event.id).sort();
    const fresh = (name: 'a' | 'b') => seen[name].filter((id) => !probes.has(id));
    await waitFor(() => fresh('a').length >= ids.length && fresh('b').length >= ids.length);
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a duplicate to show up

    for (const name of ['a', 'b'] as const) {
      const got = fresh(name);
      expect(got.length, `replica ${name} delivered each event once`).toBe(ids.length);
      expect([...got].sort()).toEqual(ids);
    }
    // Both replicas stored part of the stream, so each subscriber saw rows the other replica stored.
    const stored = { a: (await ingested(a)) - before.a, b: (await ingested(b)) - before.b };
    expect(stored.a + stored.b).toBe(ids.length);
    expect(stored.a, 'replica a stored some').toBeGreaterThan(0);
    expect(stored.b, 'replica b stored some').toBeGreaterThan(0);

    await clients.a.dispose();
    await clients.b.dispose();
    await Promise.allSettled(listening);
  });

  it('a stored batch of 2,000 events of one team reaches its subscriber whole, and both replicas go on', async () => {
    const client = wsClient(a.controlPlane.url, TEST_ADMIN_KEY);
    const seen: string[] = [];
    const listening = (async () => {
      for await (const result of subscribe(client, 'subscription($t: ID!) { usage(teamId: $t) { id } }', { t: teamId })) {
        if (result.data) seen.push(result.data.usage.id);
      }
    })();
    const dataPlane = redisBus();
    const probes = new Set<string>();
    for (let tries = 0; !seen.some((id) => probes.has(id)); tries++) {
      if (tries > 100) throw new Error('the subscription never started');
      const probe = usageEvent(teamId, 'key-burst');
      probes.add(probe.id);
      await dataPlane.publishUsage(probe);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    // One pipeline: the replicas read it in batches of up to 2,000, each stored batch fanned out
    // in one message and dispatched in one go (graphql-yoga's own subscribe overflowed at 1,024).
    const events = Array.from({ length: 2_500 }, () => usageEvent(teamId, 'key-burst'));
    await dataPlane.publishUsageBatch(events);
    const fresh = () => seen.filter((id) => !probes.has(id));
    await waitFor(() => fresh().length >= events.length, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a duplicate to show up
    expect(fresh().length).toBe(events.length);
    expect(new Set(fresh())).toEqual(new Set(events.map((event) => event.id)));
    for (const replica of [a, b]) expect((await replica.gql('{ team(id: "' + teamId + '") { id } }')).data.team.id).toBe(teamId);
    await client.dispose();
    await listening.catch(() => undefined);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Singleton jobs (retention) run on the one replica holding their lease; when that replica is
 * killed (kill -9: it never gives the lease up) another takes the job over once the lease expires.
 */
describe.skipIf(!servicesUp)('control plane replicas: singleton leases', () => {
  const prefix = `tollgate-lease-${randomBytes(4).toString('hex')}`;
  const database = scratchDatabase('lease');
  const intervalMs = 300;
  let first: PlaneProcess | undefined;
  let second: ControlPlaneHarness | undefined;
  let bus: Bus | undefined;

  const held = async (url: string) => {
    const text = await (await fetch(url)).text();
    return /^tollgate_singleton_held\{job="retention"\} 1$/m.test(text);
  };

  beforeAll(() => database.create());

  afterAll(async () => {
    first?.child.kill('SIGKILL');
    await second?.close();
    await bus?.close();
    await database.drop();
  });

  it('one replica holds the retention lease; after it is killed another takes it over', async () => {
    first = await spawnPlane(
      'control-plane/main.ts',
      controlPlaneProcessEnv(database.url, prefix, { TOLLGATE_SINGLETON_INTERVAL_MS: String(intervalMs), TOLLGATE_SNAPSHOT_CHECK_INTERVAL_MS: '0' }),
    );
    const firstMetrics = `${first.url}/metrics`;
    await waitForAsync(() => held(firstMetrics));

    bus = createRedisBus({ url: redisUrl(), prefix });
    second = await startControlPlaneHarness({ postgresUrl: database.url, joinSchema: 'public', bus, controlPlane: { singletonIntervalMs: intervalMs } });
    const secondMetrics = second.controlPlane.url.replace(/\/graphql$/, '/metrics');
    // Both tick several times: the lease stays with its holder.
    await new Promise((resolve) => setTimeout(resolve, 4 * intervalMs));
    expect(await held(firstMetrics)).toBe(true);
    expect(await held(secondMetrics)).toBe(false);

    first.child.kill('SIGKILL');
    await first.exited();
    const killedAt = Date.now();
    await waitForAsync(() => held(secondMetrics));
    // Not before the dead holder's lease (three ticks) expired.
    expect(Date.now() - killedAt).toBeLessThan(3 * intervalMs + 5_000);
  });
});

async function waitForAsync(condition: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
