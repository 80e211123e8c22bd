import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-keys.ts';

// Key parsing (and its rules: 32 random bytes, or a passphrase through scrypt) lives in secret-keys.ts.
export { parseSecretKeys, type SecretKey } from './secret-keys.ts';

/**
 * AES-256-GCM for provider credentials at rest and in snapshots. The sealed form is
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); `keyId` names the key so keys can
 * rotate: a box opens with any key it was given, and seals with the first.
 */
export function createSecretBox(keys: SecretKey[]) {
  if (keys.length === 0) throw new Error('at least one secret key is required');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const current = keys[0];
  return {
    currentKeyId: current.id,
    seal(plaintext: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
      return ['v1', current.id, ...parts].join('.');
    },
    open(sealed: string): string {
      const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !keyId || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new Error('not a sealed secret');
      }
      const key = byId.get(keyId);
      if (!key) throw new Error(`no secret key with id ${keyId}`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
