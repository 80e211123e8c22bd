import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../shared/crypto/secret-box.ts';
import { hashSecret } from '../../shared/keys/api-key.ts';
import { parseSnapshot } from '../../shared/snapshot/schema.ts';
import { apiKey, buildSnapshot, deployment, model, provider, team } from '../../test/support/snapshot-fixture.ts';
import { compileDelta, compileSnapshot } from './compile-snapshot.ts';

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
      provider({ id: 'p-ok', kind: 'openai', seal: { box, secret: 'sk-live' } }),
      provider({ id: 'p-bad', kind: 'openai', credential: 'v1.other.a.b.c' }),
    ],
    models: [
      model({ id: 'm-big', name: 'big', aliases: ['small', 'large'], deployments: [deployment({ id: 'd1', providerId: 'p-ok', upstreamModel: 'u1' })] }),
      model({
        id: 'm-small',
        name: 'small',
        deployments: [
          deployment({ id: 'd2', providerId: 'p-bad', upstreamModel: 'u2' }),
          deployment({ id: 'd3', providerId: 'p-missing', upstreamModel: 'u3' }),
        ],
      }),
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
      // Fixtures carry placeholder ciphertexts (no fixture holds a real secret): those may not open.
      expect(warnings.filter((warning) => !/secret does not open/.test(warning))).toEqual([]);
      expect(compiled.models.every((m) => m.targets.length === m.model.deployments.length)).toBe(true);
    });
  }
});

describe('routing tables', () => {
  function compileRouting() {
    const snapshot = buildSnapshot({
      version: 4,
      plans: [
        {
          id: 'plan-pro',
          name: 'pro',
          allowedModels: [],
          limits: { rpm: null, tpm: null, maxParallel: null },
          markupBasisPoints: 0,
          billing: 'postpaid',
          systemPrompt: 'Plan prompt',
          fallbackChainId: 'chain-plan',
          routingProfile: 'eco',
        },
      ],
      teams: [
        team({ id: 't-plan', planId: 'plan-pro' }),
        team({ id: 't-own', planId: 'plan-pro', systemPrompt: 'Team prompt', fallbackChainId: 'chain-team', routingProfile: 'fast-lane' }),
      ],
      apiKeys: [
        apiKey('s-plan', { id: 'k-plan', teamId: 't-plan' }),
        apiKey('s-team', { id: 'k-team', teamId: 't-own' }),
        apiKey('s-key', { id: 'k-key', teamId: 't-own', fallbackChainId: 'chain-key', routingProfile: 'nope' }),
      ],
      providers: [provider({ id: 'p', kind: 'mock' })],
      models: [
        model({ id: 'm-a', name: 'a', fallbackChainId: 'chain-model', deployments: [deployment({ id: 'da', providerId: 'p', upstreamModel: 'a' })] }),
        model({ id: 'm-b', name: 'b', deployments: [deployment({ id: 'db', providerId: 'p', upstreamModel: 'b' })] }),
      ],
      fallbackChains: [
        { id: 'chain-model', name: 'model', modelIds: ['m-b'], triggers: ['server_error'] },
        { id: 'chain-plan', name: 'plan', modelIds: ['m-b', 'm-gone'], triggers: ['rate_limit'] },
        { id: 'chain-team', name: 'team', modelIds: ['m-a'], triggers: ['timeout'] },
        { id: 'chain-key', name: 'key', modelIds: [], triggers: [] },
      ],
      routingProfiles: [
        { name: 'fast-lane', strategy: 'least-busy' },
        { name: 'eco', strategy: 'latency' },
      ],
    });
    return compileSnapshot(snapshot, box);
  }

  it('resolves chains most specific first (key > team > plan), the model chain separately', () => {
    const { compiled, warnings } = compileRouting();
    expect(compiled.keysByHash.get(hashSecret('s-plan'))!.routing.fallbackChain?.id).toBe('chain-plan');
    expect(compiled.keysByHash.get(hashSecret('s-team'))!.routing.fallbackChain?.id).toBe('chain-team');
    expect(compiled.keysByHash.get(hashSecret('s-key'))!.routing.fallbackChain?.id).toBe('chain-key');
    expect(compiled.modelsByName.get('a')!.fallbackChain?.models.map((m) => m.model.name)).toEqual(['b']);
    // A dangling model id is dropped from the chain, with a warning.
    expect(compiled.keysByHash.get(hashSecret('s-plan'))!.routing.fallbackChain?.models).toHaveLength(1);
    expect(warnings.some((w) => w.includes('m-gone'))).toBe(true);
  });

  it('merges built-in and snapshot profiles, and resolves key defaults and system prompts', () => {
    const { compiled, warnings } = compileRouting();
    expect(Object.fromEntries(compiled.routingProfiles)).toEqual({ eco: 'latency', balanced: 'weighted', precision: 'latency', 'fast-lane': 'least-busy' });
    expect(compiled.keysByHash.get(hashSecret('s-plan'))!.routing).toMatchObject({ profile: 'eco', systemPrompt: 'Plan prompt' });
    expect(compiled.keysByHash.get(hashSecret('s-team'))!.routing).toMatchObject({ profile: 'fast-lane', systemPrompt: 'Team prompt' });
    expect(compiled.keysByHash.get(hashSecret('s-key'))!.routing.profile).toBeNull();
    expect(warnings.some((w) => w.includes('unknown routing profile nope'))).toBe(true);
  });
});

describe('compileSnapshot over many keys', () => {
  it('finds every key by its secret, compiled as its own, and skips the key of an unknown team with a warning', () => {
    const keys = Array.from({ length: 1_001 }, (_, i) => apiKey(`secret-${i}`, { id: `k${i}`, teamId: i === 7 ? 'gone' : 't1' }));
    const { compiled, warnings } = compileSnapshot(buildSnapshot({ version: 4, teams: [team({ id: 't1' })], apiKeys: keys }), box);

    const found = keys.filter((_, i) => compiled.keysByHash.get(hashSecret(`secret-${i}`))?.key.id === `k${i}`);
    expect(found).toHaveLength(keys.length - 1);
    expect(compiled.keysByHash.has(hashSecret('secret-7'))).toBe(false);
    expect(compiled.keysByHash.has(hashSecret('secret-1001'))).toBe(false);
    expect(compiled.keysByHash.get(hashSecret('secret-3'))).toBe(compiled.keysByHash.get(hashSecret('secret-3')));
    expect(warnings).toEqual(['api key k7 names unknown team gone']);
  });
});

describe('compileDelta', () => {
  it('compiles the keys of a changed team as a whole compile does (plan, allowed models, routing), and keeps the other keys', () => {
    const plans = [
      { id: 'narrow', name: 'Narrow', allowedModels: ['a'], limits: {}, markupBasisPoints: 0, billing: 'prepaid' as const },
      { id: 'wide', name: 'Wide', allowedModels: [], limits: {}, markupBasisPoints: 0, billing: 'prepaid' as const, systemPrompt: 'Plan prompt' },
    ];
    const models = ['a', 'b'].map((name) => model({ id: `m-${name}`, name }));
    const apiKeys = [
      apiKey('moves-1', { id: 'k1', teamId: 'moves' }),
      apiKey('moves-2', { id: 'k2', teamId: 'moves', allowedModels: ['a', 'b'] }),
      apiKey('stays', { id: 'k3', teamId: 'stays' }),
    ];
    const before = buildSnapshot({
      version: 1,
      plans,
      models,
      apiKeys,
      teams: [team({ id: 'moves', planId: 'narrow' }), team({ id: 'stays', planId: 'narrow' })],
    });
    // The team that stays is the same object, as a delta that did not change it leaves it.
    const after = buildSnapshot({ version: 2, plans, models, apiKeys, teams: [team({ id: 'moves', planId: 'wide' }), before.teams[1]] });

    const previous = compileSnapshot(before, box).compiled;
    const patched = compileDelta(previous, after, previous.keysByHash.keys, { apiKeys: [], teams: ['moves'], other: false }, box).compiled;

    const whole = compileSnapshot(after, box).compiled;
    const view = (secret: string, compiled = patched) => {
      const key = compiled.keysByHash.get(hashSecret(secret))!;
      return { plan: key.plan?.id, allowed: key.allowedModelIds === null ? null : [...key.allowedModelIds].sort(), systemPrompt: key.routing.systemPrompt };
    };
    expect(view('moves-1')).toEqual({ plan: 'wide', allowed: null, systemPrompt: 'Plan prompt' });
    expect(view('moves-2')).toEqual({ plan: 'wide', allowed: ['m-a', 'm-b'], systemPrompt: 'Plan prompt' });
    expect(view('stays')).toEqual({ plan: 'narrow', allowed: ['m-a'], systemPrompt: null });
    for (const secret of ['moves-1', 'moves-2', 'stays']) expect(view(secret)).toEqual(view(secret, whole));
  });
});
