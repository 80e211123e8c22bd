import { randomBytes } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import type { Bus } from '../../shared/bus/bus.ts';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_ADMIN_KEY, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { waitUntil } from '../support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

// PostgreSQL rather than PGlite: the WASM database takes ~20 s to migrate on these machines.
const redisUp = await requireOrSkip('PostgreSQL and Redis', (await isReachable(redisUrl())) && (await isReachable(postgresUrl())));

const FLEET = `{ fleet { targetSnapshotVersion live convergedCount converged dataPlanes { instanceId state snapshotVersion snapshotSource degradedModes inFlight } } }`;

describe.skipIf(!redisUp)('fleet view over Redis', () => {
  const prefix = `tollgate-fleet-${randomBytes(4).toString('hex')}`;
  let control: ControlPlaneHarness;
  const planes: { plane: DataPlane; bus: Bus }[] = [];
  let ws: Client;

  beforeAll(async () => {
    control = await startControlPlaneHarness({
      postgresUrl: postgresUrl(),
      bus: createRedisBus({ url: redisUrl(), prefix }),
      controlPlane: { heartbeatIntervalMs: 100 },
    });
    for (const id of ['dp-a', 'dp-b', 'dp-c']) {
      const bus = createRedisBus({ url: redisUrl(), prefix });
      const plane = await startDataPlane({
        bus,
        host: '127.0.0.1',
        port: 0,
        secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
        maxBodyBytes: 65_536,
        instanceId: id,
        heartbeatIntervalMs: 100,
        defaultMetrics: false,
      });
      planes.push({ plane, bus });
    }
    ws = createClient({
      url: control.controlPlane.url.replace('http://', 'ws://'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
  });

  afterAll(async () => {
    await ws?.dispose();
    for (const { plane, bus } of planes) {
      await plane.close();
      await bus.close();
    }
    await control?.close();
    await control?.bus.close();
  });

  it('lists every data plane with its snapshot version and health, and shows convergence', async () => {
    const fleet = await waitUntil(
      async () => {
        const { data } = await control.gql(FLEET);
        return data?.fleet.live === 3 && data.fleet.converged ? data.fleet : undefined;
      },
      5_000,
      'three converged data planes',
    );
    expect(fleet.targetSnapshotVersion).toBeGreaterThan(0);
    expect(fleet.dataPlanes.map((p: any) => p.instanceId)).toEqual(['dp-a', 'dp-b', 'dp-c']);
    for (const plane of fleet.dataPlanes) {
      expect(plane).toMatchObject({ state: 'READY', snapshotVersion: fleet.targetSnapshotVersion, snapshotSource: 'BUS', degradedModes: [], inFlight: 0 });
    }
    const metrics = await (await fetch(control.controlPlane.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('tollgate_fleet_data_planes{state="ready"} 3');
    expect(metrics).toContain('tollgate_fleet_converged 1');
    expect(metrics).toMatch(/tollgate_usage_stream_pending \d+/);
    const readyz = await fetch(control.controlPlane.url.replace('/graphql', '/readyz'));
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({ status: 'ready', degraded: [], fleet: { live: 3, converged: true } });
  });

  it('streams fleetChanged: a config change converges, a drained plane shows DRAINING, then LOST', async () => {
    const views: any[] = [];
    const unsubscribe = ws.subscribe(
      { query: `subscription { fleetChanged { targetSnapshotVersion converged convergedCount dataPlanes { instanceId state snapshotVersion } } }` },
      { next: (message) => views.push(message.data?.fleetChanged ?? message), error: (error) => views.push({ error }), complete: () => undefined },
    );
    await waitUntil(() => views.length > 0, 3_000, 'the first fleet view');
    const before = views[0].targetSnapshotVersion as number;

    await control.gql(`mutation { createTeam(input: { name: "Fleet", slug: "fleet-${randomBytes(3).toString('hex')}" }) { __typename } }`);
    const converged = await waitUntil(
      () => views.find((view) => view.targetSnapshotVersion === before + 1 && view.converged && view.convergedCount === 3),
      3_000,
      'convergence on the new version',
    );
    expect(converged.dataPlanes.every((p: any) => p.snapshotVersion === before + 1)).toBe(true);

    const { plane, bus } = planes.pop()!;
    await plane.drain(1_000);
    await waitUntil(() => views.some((view) => view.dataPlanes.some((p: any) => p.instanceId === 'dp-c' && p.state === 'DRAINING')), 3_000, 'DRAINING');
    await plane.close();
    await bus.close();
    const lost = await waitUntil(() => views.find((view) => view.dataPlanes.some((p: any) => p.instanceId === 'dp-c' && p.state === 'LOST')), 3_000, 'LOST');
    // A lost plane does not hold convergence back.
    expect(lost.converged).toBe(true);
    unsubscribe();
  });

  it("is the platform admin's only", async () => {
    const anonymous = await control.gql(FLEET, undefined, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('data planes report control_plane_down when the control plane goes silent', async () => {
    const bus = createRedisBus({ url: redisUrl(), prefix: `${prefix}-lonely` });
    const plane = await startDataPlane({
      bus,
      host: '127.0.0.1',
      port: 0,
      secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
      maxBodyBytes: 1024,
      heartbeatIntervalMs: 100,
      defaultMetrics: false,
    });
    try {
      // A control plane on this prefix whose database is down beats a few times, then goes silent.
      const readyz = async () => (await (await fetch(`http://127.0.0.1:${plane.port}/readyz`)).json()).degraded;
      await waitUntil(
        async () => {
          await bus.publishHeartbeat({
            schemaVersion: 1,
            plane: 'control',
            instanceId: 'cp-gone',
            databaseUp: false,
            sentAt: new Date().toISOString(),
            intervalMs: 100,
          });
          return (await readyz()).includes('database_down');
        },
        2_000,
        'database_down',
      );
      await waitUntil(async () => (await readyz()).includes('control_plane_down'), 2_000, 'control_plane_down');
    } finally {
      await plane.close();
      await bus.close();
    }
  });
});
