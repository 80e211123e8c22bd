import { expect, it } from 'vitest';
import { SnapshotRoutingDefaults } from '../../shared/snapshot/schema.ts';
import { createRoutingRuntime } from './routing-runtime.ts';

const defaults = (fields: Partial<SnapshotRoutingDefaults>): SnapshotRoutingDefaults => SnapshotRoutingDefaults.parse({ scope: 'platform', ...fields });
const NONE = defaults({});

// The data plane's own defaults (here as its environment would set them) under a snapshot's.
const runtime = createRoutingRuntime({ retry: { maxAttempts: 7 }, timeouts: { firstByteMs: 9_000 }, cooldown: { cooldownMs: 1_234 } });

it('keeps the data plane defaults when the snapshot has none', () => {
  const policy = runtime.policyFor({ routingDefaults: null });
  expect(policy.retry).toEqual({ maxAttempts: 7, maxAttemptsPerModel: 3, backoffBaseMs: 200, backoffMaxMs: 5_000 });
  expect(policy.timeouts).toEqual({ connectMs: 5_000, firstByteMs: 9_000, totalMs: 600_000, idleMs: 60_000 });
  expect(policy.cooldown).toBeUndefined();
});

it('lets every field the snapshot sets win, and keeps the data plane default for the others', () => {
  const policy = runtime.policyFor({
    routingDefaults: defaults({
      maxAttemptsPerModel: 1,
      retryBackoffMaxMs: 800,
      timeouts: { ...NONE.timeouts, idleMs: 400 },
      cooldown: { ...NONE.cooldown, failures: 1 },
    }),
  });
  expect(policy.retry).toEqual({ maxAttempts: 7, maxAttemptsPerModel: 1, backoffBaseMs: 200, backoffMaxMs: 800 });
  expect(policy.timeouts).toEqual({ connectMs: 5_000, firstByteMs: 9_000, totalMs: 600_000, idleMs: 400 });
  expect(policy.cooldown).toEqual({ failuresToCool: 1, windowMs: 60_000, cooldownMs: 1_234 });
});

it('works the policy out once per snapshot entry', () => {
  const entry = defaults({ maxAttempts: 2 });
  expect(runtime.policyFor({ routingDefaults: entry })).toBe(runtime.policyFor({ routingDefaults: entry }));
});
