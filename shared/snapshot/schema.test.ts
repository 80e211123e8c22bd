import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashSnapshotContent, parseSnapshot } from './schema.ts';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/snapshots');

describe('snapshot schema', () => {
  // Every snapshot version we ever shipped must still parse: data planes may be older or newer.
  for (const file of readdirSync(fixtures)) {
    it(`still parses the ${file} fixture`, () => {
      const result = parseSnapshot(readFileSync(path.join(fixtures, file), 'utf8'));
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.snapshot.models[0].deployments[0].limits).toEqual({ rpm: null, tpm: null, maxParallel: null });
    });
  }

  it('reads a 1.1 snapshot (before logPrompts, plan system prompts and extra parameters) with their defaults', () => {
    const result = parseSnapshot(readFileSync(path.join(fixtures, 'v1.1.json'), 'utf8'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.snapshot.teams[0].logPrompts).toBe(false);
    expect(result.snapshot.plans[0].systemPrompt).toBeNull();
    expect(result.snapshot.models[0].deployments[0].extraParameters).toEqual([]);
  });

  it('reads a 1.5 snapshot with guardrails, and older ones with none', () => {
    const current = parseSnapshot(readFileSync(path.join(fixtures, 'v1.5.json'), 'utf8'));
    expect(current.ok).toBe(true);
    if (current.ok)
      expect(current.snapshot.guardrails.map((guardrail) => [guardrail.name, guardrail.check.kind])).toEqual([
        ['mask-pii', 'pii'],
        ['no-secrets', 'deny_list'],
        ['hook', 'webhook'],
      ]);
    const older = parseSnapshot(readFileSync(path.join(fixtures, 'v1.3.json'), 'utf8'));
    expect(older.ok && older.snapshot.guardrails).toEqual([]);
  });

  it('reads a 1.6 snapshot with provider regions (bedrock, vertex), and older ones with none', () => {
    const current = parseSnapshot(readFileSync(path.join(fixtures, 'v1.6.json'), 'utf8'));
    expect(current.ok).toBe(true);
    if (current.ok)
      expect(current.snapshot.providers.filter((provider) => provider.region).map((provider) => [provider.kind, provider.region])).toEqual([
        ['bedrock', 'us-east-1'],
        ['vertex', 'us-central1'],
      ]);
    const older = parseSnapshot(readFileSync(path.join(fixtures, 'v1.5.json'), 'utf8'));
    expect(older.ok && older.snapshot.providers.every((provider) => provider.region === null)).toBe(true);
  });

  it('refuses an unknown major version, a bad hash and bad JSON', () => {
    const raw = JSON.parse(readFileSync(path.join(fixtures, 'v1.0.json'), 'utf8'));
    expect(parseSnapshot(JSON.stringify({ ...raw, schemaVersion: '3.0' }))).toMatchObject({ ok: false, reason: /major/ });
    expect(parseSnapshot(JSON.stringify({ ...raw, teams: [] }))).toMatchObject({ ok: false, reason: /hash/ });
    expect(parseSnapshot('{')).toMatchObject({ ok: false, reason: /JSON/ });
  });

  it('hashes content independently of key order and envelope', () => {
    const a = { schemaVersion: '1.1', teams: [], apiKeys: [], providers: [], models: [] };
    const b = { models: [], providers: [], apiKeys: [], teams: [], schemaVersion: '1.1', version: 9, createdAt: 'x' };
    expect(hashSnapshotContent(a)).toBe(hashSnapshotContent(b));
  });
});
