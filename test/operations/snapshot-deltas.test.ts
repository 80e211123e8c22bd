import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import { createRedisBus, type RedisBus } from '../../shared/bus/redis-bus.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';
import { waitUntil } from '../support/processes.ts';
import { isReachable, postgresUrl, redisUrl, requireOrSkip } from '../support/services.ts';

// Three data planes follow a burst of 100 mutations over Redis, by deltas where they can, and
// all end on the control plane's last version.
const up = await requireOrSkip('PostgreSQL and Redis', (await isReachable(redisUrl())) && (await isReachable(postgresUrl())));

describe.skipIf(!up)('snapshot deltas over Redis', () => {
  const prefix = `tollgate-deltas-${randomBytes(4).toString('hex')}`;
  let control: ControlPlaneHarness;
  const planes: { plane: DataPlane; bus: RedisBus; url: string }[] = [];

  beforeAll(async () => {
    control = await startControlPlaneHarness({ postgresUrl: postgresUrl(), bus: createRedisBus({ url: redisUrl(), prefix }) });
    for (const id of ['dp-1', 'dp-2', 'dp-3']) {
      const bus = createRedisBus({ url: redisUrl(), prefix });
      const plane = await startDataPlane({
        bus,
        host: '127.0.0.1',
        port: 0,
        secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
        maxBodyBytes: 65_536,
        instanceId: id,
        heartbeatIntervalMs: 0,
        defaultMetrics: false,
      });
      planes.push({ plane, bus, url: `http://127.0.0.1:${plane.port}` });
    }
  });
  afterAll(async () => {
    for (const { plane, bus } of planes) {
      await plane.close();
      await bus.close();
    }
    await control?.close();
    await control?.bus.close();
  });

  it('three data planes converge on the last version after a burst of 100 mutations', { timeout: 60_000 }, async () => {
    await waitUntil(() => planes.every(({ plane }) => plane.snapshotVersion() !== null), 5_000, 'first snapshot');
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => control.gql(`mutation { createTeam(input: { name: "b${i}", slug: "burst-${i}" }) { __typename } }`)),
    );
    expect(answers.filter((a) => a.data?.createTeam.__typename !== 'MutationCreateTeamSuccess')).toEqual([]);
    const last = (await control.gql('{ currentSnapshot { version } }')).data.currentSnapshot.version as number;
    await waitUntil(() => planes.every(({ plane }) => plane.snapshotVersion() === last), 10_000, `every data plane on ${last}`);
    for (const { url } of planes) {
      const body = await (await fetch(`${url}/readyz`)).json();
      expect(body.snapshot.version).toBe(last);
      // The burst went out as a few snapshots; the planes took them as deltas.
      expect(body.snapshotLoads.delta).toBeGreaterThan(0);
    }
  });
});
