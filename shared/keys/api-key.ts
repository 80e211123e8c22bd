import { createHash, randomBytes } from 'node:crypto';

/** Hex SHA-256 of a secret. API keys are long random strings, so a plain hash is enough. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new key: `tg_` + 40 random base62-ish chars. `prefix` is what UIs show to tell keys apart. */
export function generateApiKey(kind: 'tg' | 'tga' = 'tg'): { secret: string; prefix: string; hash: string } {
  const secret = `${kind}_${randomBytes(30).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, kind.length + 7), hash: hashSecret(secret) };
}
