import { scryptSync } from 'node:crypto';

/** One AES-256 key and the id sealed values name it by. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/**
 * How TOLLGATE_SECRET_KEY's entries become keys (TOLLGATE_SECRET_KEY_KDF):
 * - `none` (default): each entry is 32 random bytes, base64 (`openssl rand -base64 32`).
 * - `scrypt`: each entry is a passphrase of at least PASSPHRASE_MIN_LENGTH characters; the key is
 *   scrypt(passphrase, salt "tollgate-secret-key:<id>", N=2^15, r=8, p=1). The salt is fixed so
 *   every plane derives the same key from the same value; the passphrase must carry the entropy.
 */
export type SecretKeyKdf = 'none' | 'scrypt';
export const SECRET_KEY_KDFS = ['none', 'scrypt'] as const;
export const PASSPHRASE_MIN_LENGTH = 20;

const BASE64 = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

interface Entry {
  id: string;
  material: string;
}

function entries(raw: string): Entry[] {
  return raw.split(',').map((entry, index) => {
    const colon = entry.indexOf(':');
    return colon > 0 ? { id: entry.slice(0, colon).trim(), material: entry.slice(colon + 1).trim() } : { id: `k${index + 1}`, material: entry.trim() };
  });
}

/**
 * Every problem with a TOLLGATE_SECRET_KEY value, worded for the operator (empty: usable).
 * Nothing is derived here, so it is cheap enough for environment validation.
 */
export function secretKeyProblems(raw: string, kdf: SecretKeyKdf = 'none'): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { id, material } of entries(raw)) {
    if (!KEY_ID.test(id)) problems.push(`key id ${JSON.stringify(id)} must be 1 to 32 letters, digits, '.', '_' or '-'`);
    if (seen.has(id)) problems.push(`key id ${JSON.stringify(id)} appears twice`);
    seen.add(id);
    if (kdf === 'scrypt') {
      if (material.length < PASSPHRASE_MIN_LENGTH) problems.push(`key ${JSON.stringify(id)}: a passphrase needs at least ${PASSPHRASE_MIN_LENGTH} characters`);
    } else if (!BASE64.test(material) || Buffer.from(material, 'base64').length !== 32) {
      problems.push(
        `key ${JSON.stringify(id)} is not 32 random bytes in base64 (generate one with \`openssl rand -base64 32\`; to derive a key from a passphrase instead, set TOLLGATE_SECRET_KEY_KDF=scrypt)`,
      );
    }
  }
  return problems;
}

/**
 * Parses TOLLGATE_SECRET_KEY: one or more comma-separated `id:key` entries, the first being the
 * current key (a bare value without `id:` is key id `k1`). Throws on anything secretKeyProblems
 * reports: a short or malformed key is refused, never stretched into one.
 */
export function parseSecretKeys(raw: string, kdf: SecretKeyKdf = 'none'): SecretKey[] {
  const problems = secretKeyProblems(raw, kdf);
  if (problems.length > 0) throw new Error(`TOLLGATE_SECRET_KEY: ${problems.join('; ')}`);
  return entries(raw).map(({ id, material }) => ({
    id,
    key:
      kdf === 'scrypt'
        ? scryptSync(material.normalize('NFC'), `tollgate-secret-key:${id}`, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
        : Buffer.from(material, 'base64'),
  }));
}
