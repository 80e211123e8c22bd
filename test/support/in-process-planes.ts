import { randomBytes } from 'node:crypto';
import { type DataPlane, type DataPlaneOptions, startDataPlane } from '../../data-plane/app.ts';
import { createRedisBus } from '../../shared/bus/redis-bus.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { type ControlPlaneHarness, type HarnessOptions, startControlPlaneHarness, TEST_SECRET_KEY } from './control-plane-harness.ts';
import { waitUntil } from './processes.ts';
import { postgresUrl, redisUrl } from './services.ts';

export interface Planes {
  control: ControlPlaneHarness;
  data: DataPlane;
  /** Closes the data plane, the control plane and every bus connection they hold. */
  close(): Promise<void>;
}

/** A control plane on a fresh database and a data plane on port 0, on the control plane's in-process bus. */
export async function startInProcessPlanes(options: HarnessOptions = {}, dataPlane: Partial<DataPlaneOptions> = {}): Promise<Planes> {
  const control = await startControlPlaneHarness(options);
  const data = await startDataPlane(dataPlaneOptions(control, dataPlane));
  return {
    control,
    data,
    async close() {
      await data.close();
      await control.close();
      await control.bus.close();
    },
  };
}

/**
 * The two planes as separate processes would run them: the control plane on a fresh PostgreSQL
 * schema, each plane with its own Redis connections under one fresh key prefix, and the data
 * plane's limits, budgets and cache in that Redis (as REDIS_URL sets them in data-plane/main.ts).
 */
export async function startPlanesOnServices(dataPlane: Partial<DataPlaneOptions> = {}): Promise<Planes & { prefix: string }> {
  const prefix = `tollgate-test-${randomBytes(4).toString('hex')}`;
  const control = await startControlPlaneHarness({ postgresUrl: postgresUrl(), bus: createRedisBus({ url: redisUrl(), prefix }) });
  const dataBus = createRedisBus({ url: redisUrl(), prefix });
  const data = await startDataPlane({ ...dataPlaneOptions(control, { redisUrl: redisUrl(), keyPrefix: prefix, ...dataPlane }), bus: dataBus });
  return {
    control,
    data,
    prefix,
    async close() {
      await data.close();
      await dataBus.close();
      await control.close();
      await control.bus.close();
    },
  };
}

/** The embedded shape (PGlite, one in-process bus) or the services shape, as a `describe.each` row picks. */
export function startPlanes(services: boolean, dataPlane: Partial<DataPlaneOptions> = {}): Promise<Planes> {
  return services ? startPlanesOnServices(dataPlane) : startInProcessPlanes({}, dataPlane);
}

function dataPlaneOptions(control: ControlPlaneHarness, overrides: Partial<DataPlaneOptions>): DataPlaneOptions {
  return {
    bus: control.bus,
    host: '127.0.0.1',
    port: 0,
    secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
    maxBodyBytes: 1024 * 1024,
    ...overrides,
  };
}

/** Polls `probe` until it answers something truthy; fails after `timeoutMs` (processes.ts's waitUntil). */
export function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  return waitUntil(probe, timeoutMs);
}
