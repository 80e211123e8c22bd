import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { type ControlPlaneHarness, type HarnessOptions, startControlPlaneHarness, TEST_SECRET_KEY } from './control-plane-harness.ts';

/** A control plane on a fresh database and a data plane on port 0, on the control plane's in-process bus. */
export async function startInProcessPlanes(options: HarnessOptions = {}): Promise<{ control: ControlPlaneHarness; data: DataPlane }> {
  const control = await startControlPlaneHarness(options);
  const data = await startDataPlane({
    bus: control.bus,
    host: '127.0.0.1',
    port: 0,
    secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
    maxBodyBytes: 1024 * 1024,
  });
  return { control, data };
}

/** Polls `probe` every 25 ms until it answers something truthy; fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
