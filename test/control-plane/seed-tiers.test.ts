import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedTiers } from '../../control-plane/bootstrap/seed-tiers.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { type ControlPlaneHarness, startControlPlaneHarness } from '../support/control-plane-harness.ts';
import { publishedSnapshot } from '../support/published-snapshot.ts';

let cp: ControlPlaneHarness;
beforeAll(async () => {
  cp = await startControlPlaneHarness();
});
afterAll(async () => cp?.close());

const admin = async (query: string, variables?: Record<string, unknown>) => {
  const body = await cp.gql(query, variables);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

it('seeds both tier presets through the API, once', async () => {
  expect(await seedTiers(admin, 'free-plus-pro')).toEqual(['plan free', 'plan plus', 'plan pro']);
  expect(await seedTiers(admin, 'eco-enterprise')).toEqual([
    'routing profile eco',
    'routing profile balanced',
    'routing profile precision',
    'plan eco',
    'plan starter',
    'plan professional',
    'plan enterprise',
  ]);
  expect(await seedTiers(admin, 'eco-enterprise')).toEqual([]);

  const parsed = parseSnapshot((await publishedSnapshot(cp.bus)).json);
  if (!parsed.ok) throw new Error(parsed.reason);
  const plans = Object.fromEntries(parsed.snapshot.plans.map((p) => [p.name, p]));
  expect(Object.keys(plans).sort()).toEqual(['eco', 'enterprise', 'free', 'plus', 'pro', 'professional', 'starter']);
  expect(plans.plus).toMatchObject({ markupBasisPoints: 2000, billing: 'prepaid', limits: { rpm: 200, tpm: 200_000, maxParallel: 10 } });
  expect(plans.enterprise.routingProfile).toBe('precision');
  expect(parsed.snapshot.routingProfiles).toEqual([
    { name: 'balanced', strategy: 'weighted' },
    { name: 'eco', strategy: 'cost' },
    { name: 'precision', strategy: 'latency' },
  ]);
});
