import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../shared/keys/api-key.ts';
import { ContentDigest, entryHash } from '../../shared/snapshot/content-digest.ts';
import { SnapshotApiKey } from '../../shared/snapshot/schema.ts';
import { apiKey } from '../../test/support/snapshot-fixture.ts';
import { changeKeys, KeySet } from './key-set.ts';
import { packKeys } from './packed-keys.ts';

const keys = Array.from({ length: 3_000 }, (_, i) => SnapshotApiKey.parse(apiKey(`secret-${i}`, { id: `k${i}`, teamId: 't1' })));
const rotated = SnapshotApiKey.parse(
  apiKey('new-secret', { id: 'rotated', teamId: 't1', previousHash: hashSecret('old-secret'), previousHashExpiresAt: '2026-11-24T00:00:00.000Z' }),
);
const ungraced = SnapshotApiKey.parse(apiKey('ungraced-new', { id: 'ungraced', teamId: 't1', previousHash: hashSecret('ungraced-old') }));
const all = [...keys, rotated, ungraced];
const packed = () => KeySet.of(packKeys(all, entryHash));
const idOf = (set: KeySet, secret: string) => set.bySecret(hashSecret(secret))?.id;

describe('packed keys', () => {
  it('finds every key by its secret and by id, a rotated key by its graced previous secret too, and nothing else', () => {
    const set = packed();
    expect(keys.every((key, i) => idOf(set, `secret-${i}`) === key.id && set.byId(key.id)?.hash === key.hash)).toBe(true);
    expect(idOf(set, 'new-secret')).toBe('rotated');
    expect(idOf(set, 'old-secret')).toBe('rotated');
    expect(idOf(set, 'ungraced-new')).toBe('ungraced');
    expect(idOf(set, 'ungraced-old')).toBeUndefined();
    expect(idOf(set, 'secret-3000')).toBeUndefined();
    expect(set.byId('k3000')).toBeUndefined();
    expect(set.bySecret(keys[5].hash)).toEqual(keys[5]);
  });

  it('keeps the last entry of an id, as the content digest does', () => {
    const again = { ...keys[1], hash: hashSecret('secret-1-again') };
    const set = KeySet.of(packKeys([keys[0], keys[1], again], entryHash));
    expect(set.byId('k1')?.hash).toBe(again.hash);
    expect(idOf(set, 'secret-1-again')).toBe('k1');
    expect(idOf(set, 'secret-1')).toBeUndefined();
  });
});

describe('changeKeys', () => {
  it('puts and removes keys over the packed ones, with the digest of the resulting keys', () => {
    const base = packed();
    const digest = ContentDigest.fromHashes(new Map([['apiKeys', { hashes: base.hashes(), sum: ContentDigest.of({ apiKeys: all }).sumOf('apiKeys') }]]));
    const moved = { ...keys[2], hash: hashSecret('secret-2-rotated') };
    const added = SnapshotApiKey.parse(apiKey('secret-new', { id: 'k-new', teamId: 't1' }));

    const changed = changeKeys(
      base,
      {
        put: [
          { index: -1, value: moved },
          { index: 0, value: added },
        ],
        remove: ['k4', 'no-such-key'],
      },
      digest,
    )!;

    const expected = ContentDigest.of({ apiKeys: [...all.filter((key) => key.id !== 'k4' && key.id !== 'k2'), moved, added] });
    expect(digest.sumOf('apiKeys')).toBe(expected.sumOf('apiKeys'));
    expect(digest.hash({})).toBe(expected.hash({}));
    expect(idOf(changed.keys, 'secret-2')).toBeUndefined();
    expect(idOf(changed.keys, 'secret-2-rotated')).toBe('k2');
    expect(idOf(changed.keys, 'secret-new')).toBe('k-new');
    expect(idOf(changed.keys, 'secret-4')).toBeUndefined();
    expect(changed.keys.byId('k4')).toBeUndefined();
    expect(idOf(changed.keys, 'secret-5')).toBe('k5');
    // The base set is a version still served: unchanged.
    expect(idOf(base, 'secret-4')).toBe('k4');

    changed.undo();
    expect(digest.hash({})).toBe(ContentDigest.of({ apiKeys: all }).hash({}));
  });

  it('refuses an entry that is not a key, leaving the digest as it was', () => {
    const base = packed();
    const digest = ContentDigest.fromHashes(new Map([['apiKeys', { hashes: base.hashes(), sum: ContentDigest.of({ apiKeys: all }).sumOf('apiKeys') }]]));
    const before = digest.hash({});
    expect(
      changeKeys(
        base,
        {
          put: [
            { index: -1, value: keys[1] },
            { index: -1, value: { id: 'broken' } },
          ],
          remove: [],
        },
        digest,
      ),
    ).toBeNull();
    expect(digest.hash({})).toBe(before);
  });
});
