import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-keys.ts';

// Key parsing (and its rules: 32 random bytes, or a passphrase through scrypt) lives in secret-keys.ts.
export { parseSecretKeys, type SecretKey } from './secret-keys.ts';

/** What a sealed value is bound to: it opens only with the same binding. */
export type SealBinding = string;

/** The binding of a provider's credential: its id and the base URL it may be sent to. */
export function providerBinding(provider: { id: string; baseUrl: string | null }): SealBinding {
  // JSON: unambiguous whatever characters the two hold.
  return JSON.stringify(['tollgate provider credential', provider.id, provider.baseUrl ?? '']);
}

/**
 * A key for another purpose derived from each secret key (HKDF-SHA256, `purpose` as info), with
 * the same ids: the encryption key itself is never used for anything but encryption.
 */
export function deriveKeys(keys: readonly SecretKey[], purpose: string): SecretKey[] {
  return keys.map((k) => ({ id: k.id, key: Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), purpose, 32)) }));
}

/**
 * AES-256-GCM for provider credentials at rest and in snapshots. The sealed form is
 * `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); `keyId` names the key so keys can
 * rotate: a box opens with any key it was given, and seals with the first.
 *
 * `v2` values are bound, as AEAD associated data, to what they are for (a provider's id and base
 * URL, see `providerBinding`): moved to another provider or URL they do not open. `v1` values
 * (before 0.2) carry no binding; only `openLegacy` opens them, which the control plane uses once
 * at start to re-seal them as `v2` (control-plane/snapshot/reseal-legacy.ts). Data planes never
 * open `v1`.
 */
export function createSecretBox(keys: SecretKey[]) {
  if (keys.length === 0) throw new Error('at least one secret key is required');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const current = keys[0];

  function decrypt(sealed: string, expectedVersion: 'v1' | 'v2', binding: SealBinding | null): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if ((version !== 'v1' && version !== 'v2') || !keyId || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new Error('not a sealed secret');
    }
    if (version !== expectedVersion) {
      throw new Error(version === 'v1' ? 'sealed without a binding (v1); the control plane re-seals it at start' : 'sealed with a binding (v2)');
    }
    const key = byId.get(keyId);
    if (!key) throw new Error(`no secret key with id ${keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    if (binding !== null) decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('it does not open: wrong key, or sealed for another provider or base URL');
    }
  }

  return {
    currentKeyId: current.id,
    /** The keys this box holds, for deriving keys of other purposes (deriveKeys). */
    keys: keys as readonly SecretKey[],
    /** Seals `plaintext` bound to `binding`: only `open` with the same binding opens it. */
    seal(plaintext: string, binding: SealBinding): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(binding, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
      return ['v2', current.id, ...parts].join('.');
    },
    /** Opens a `v2` value sealed with the same binding; throws otherwise (never returns garbage). */
    open(sealed: string, binding: SealBinding): string {
      return decrypt(sealed, 'v2', binding);
    },
    /** Opens a legacy unbound `v1` value. Only for re-sealing it as `v2`. */
    openLegacy(sealed: string): string {
      return decrypt(sealed, 'v1', null);
    },
    /** Whether a sealed value is a legacy unbound one. */
    isLegacy(sealed: string): boolean {
      return sealed.startsWith('v1.');
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
