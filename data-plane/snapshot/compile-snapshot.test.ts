import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../shared/crypto/secret-box.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { hashSecret } from '../../shared/keys/api-key.ts';
import { apiKey, buildSnapshot, deployment, model, provider, team } from '../../test/support/snapshot-fixture.ts';
import { chooseTarget, resolveModel } from '../routing/resolve-model.ts';
import { compileSnapshot } from './compile-snapshot.ts';

const box = createSecretBox([{ id: 'k1', key: randomBytes(32) }]);

function compile() {
  const snapshot = buildSnapshot({
    version: 3,
    teams: [team({ id: 't1' })],
    apiKeys: [
      apiKey('secret-1', { id: 'k-all', teamId: 't1' }),
      apiKey('secret-2', { id: 'k-some', teamId: 't1', allowedModels: ['small', 'no-such-model'] }),
      apiKey('secret-3', { id: 'k-orphan', teamId: 'gone' }),
    ],
    providers: [
      provider({ id: 'p-ok', kind: 'openai', credential: box.seal('sk-live') }),
      provider({ id: 'p-bad', kind: 'openai', credential: 'v1.other.a.b.c' }),
    ],
    models: [
      model({ id: 'm-big', name: 'big', aliases: ['small', 'large'], deployments: [deployment({ id: 'd1', providerId: 'p-ok', upstreamModel: 'u1' })] }),
      model({ id: 'm-small', name: 'small', deployments: [deployment({ id: 'd2', providerId: 'p-bad', upstreamModel: 'u2' }), deployment({ id: 'd3', providerId: 'p-missing', upstreamModel: 'u3' })] }),
    ],
  });
  return compileSnapshot(snapshot, box);
}

describe('compileSnapshot', () => {
  it('indexes keys by hash with their team, and skips keys of unknown teams', () => {
    const { compiled, warnings } = compile();
    expect(compiled.keysByHash.get(hashSecret('secret-1'))?.team.id).toBe('t1');
    expect(compiled.keysByHash.has(hashSecret('secret-3'))).toBe(false);
    expect(warnings.some((warning) => warning.includes('k-orphan'))).toBe(true);
  });

  it('indexes names before aliases, so an alias never shadows a real name', () => {
    const { compiled, warnings } = compile();
    expect(compiled.modelsByName.get('small')?.model.id).toBe('m-small');
    expect(compiled.modelsByName.get('large')?.model.id).toBe('m-big');
    expect(warnings.some((warning) => warning.includes('alias small'))).toBe(true);
  });

  it('turns allow-lists into model ids, ignoring unknown names', () => {
    const { compiled } = compile();
    expect([...compiled.keysByHash.get(hashSecret('secret-2'))!.allowedModelIds!]).toEqual(['m-small']);
    expect(compiled.keysByHash.get(hashSecret('secret-1'))!.allowedModelIds).toBeNull();
  });

  it('decrypts credentials, and marks a provider whose credential does not open as unusable', () => {
    const { compiled, warnings } = compile();
    const [big, small] = compiled.models;
    expect(big.targets[0].provider).toMatchObject({ credential: 'sk-live', unusableReason: null });
    expect(small.targets).toHaveLength(1); // the deployment on a missing provider is dropped
    expect(small.targets[0].provider.credential).toBeNull();
    expect(small.targets[0].provider.unusableReason).toContain('cannot be decrypted');
    expect(warnings.join('\n')).not.toContain('v1.other');
  });
});

describe('compileSnapshot with plans and rotated keys', () => {
  const now = Date.parse('2026-11-23T12:00:00.000Z');
  const { compiled, warnings } = compileSnapshot(
    buildSnapshot({
      version: 1,
      plans: [{ id: 'starter', name: 'Starter', allowedModels: ['a', 'b'], limits: {}, markupBasisPoints: 0, billing: 'prepaid' }],
      teams: [team({ id: 'on-plan', planId: 'starter' }), team({ id: 'lost-plan', planId: 'gone' })],
      apiKeys: [
        apiKey('plan-key', { id: 'k1', teamId: 'on-plan', allowedModels: ['b', 'c'] }),
        apiKey('plan-only', { id: 'k2', teamId: 'on-plan' }),
        apiKey('lost-key', { id: 'k3', teamId: 'lost-plan' }),
        apiKey('new-secret', { id: 'k4', teamId: 'on-plan', previousHash: hashSecret('old-secret'), previousHashExpiresAt: '2026-11-24T00:00:00.000Z' }),
      ],
      models: ['a', 'b', 'c'].map((name) => model({ id: `m-${name}`, name })),
    }),
    box,
  );
  const allowed = (secret: string) => [...(compiled.keysByHash.get(hashSecret(secret))?.allowedModelIds ?? ['*'])].sort();

  it('intersects the key allow-list with the plan allow-list', () => {
    expect(allowed('plan-key')).toEqual(['m-b']);
    expect(allowed('plan-only')).toEqual(['m-a', 'm-b']);
  });

  it('fails closed on a team whose plan is missing', () => {
    expect(allowed('lost-key')).toEqual([]);
    expect(warnings.some((warning) => warning.includes('unknown plan gone'))).toBe(true);
  });

  it('accepts the previous secret of a rotated key until its grace period ends', () => {
    const previous = compiled.keysByHash.get(hashSecret('old-secret'))!;
    expect(previous.key.id).toBe('k4');
    expect(previous.expiresAtMs).toBe(Date.parse('2026-11-24T00:00:00.000Z'));
    expect(previous.expiresAtMs! > now).toBe(true);
    expect(compiled.keysByHash.get(hashSecret('new-secret'))!.expiresAtMs).toBeNull();
  });
});

describe('compileSnapshot on every shipped snapshot fixture', () => {
  const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/snapshots');
  for (const file of readdirSync(fixtures)) {
    it(`compiles ${file} without warnings`, () => {
      const parsed = parseSnapshot(readFileSync(path.join(fixtures, file), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.reason);
      const { compiled, warnings } = compileSnapshot(parsed.snapshot, box);
      expect(warnings).toEqual([]);
      expect(compiled.models.every((m) => m.targets.length === m.model.deployments.length)).toBe(true);
    });
  }
});

describe('chooseTarget', () => {
  it('picks by weight and never picks a weight-0 or unusable deployment', () => {
    const { compiled } = compile();
    const apiKeyAll = compiled.keysByHash.get(hashSecret('secret-1'))!;
    const resolved = resolveModel(compiled, apiKeyAll, 'big');
    const one = resolved.targets[0];
    const drained = { ...one, deployment: { ...one.deployment, id: 'drained', weight: 0 } };
    const heavy = { ...one, deployment: { ...one.deployment, id: 'heavy', weight: 3 } };
    const plan = { model: resolved.model, targets: [drained, one, heavy] };
    expect(chooseTarget(plan, () => 0).deployment.id).toBe('d1');
    expect(chooseTarget(plan, () => 0.26).deployment.id).toBe('heavy');
    expect(chooseTarget(plan, () => 0.999).deployment.id).toBe('heavy');
    expect(() => chooseTarget(resolveModel(compiled, apiKeyAll, 'small'))).toThrow(/No deployment/);
  });
});
