import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKeys, type SecretKey } from '../crypto/secret-box.ts';

/**
 * Origin of snapshots and deltas: HMAC-SHA256 over the exact published bytes, under a key derived
 * (HKDF) from TOLLGATE_SECRET_KEY. The content hash proves integrity only; anyone able to write
 * to Redis could recompute it. The signature proves that a holder of the secret key, the control
 * plane, wrote the bytes.
 *
 * Why HMAC and not Ed25519: a data plane already holds TOLLGATE_SECRET_KEY, which opens every
 * provider credential; a key pair would add configuration without removing any trust from the
 * data plane. The derived key never encrypts, the encryption key never signs.
 *
 * Form: `s1.<keyId>.<base64url mac>`. Signed with the current (first) key; verified with whichever
 * key the id names, so TOLLGATE_SECRET_KEY rotates as it does for credentials.
 */
export const SNAPSHOT_SIGNING_PURPOSE = 'tollgate snapshot signature v1';

export interface SnapshotSigner {
  sign(json: string): string;
}

export interface SnapshotVerifier {
  /** Null when `signature` is a valid signature of `json`; otherwise why not. */
  check(json: string, signature: string | null | undefined): string | null;
}

export function createSnapshotSigner(keys: readonly SecretKey[]): SnapshotSigner & SnapshotVerifier {
  const derived = deriveKeys(keys, SNAPSHOT_SIGNING_PURPOSE);
  if (derived.length === 0) throw new Error('at least one secret key is required');
  const byId = new Map(derived.map((k) => [k.id, k.key]));
  const current = derived[0];
  const mac = (key: Buffer, json: string) => createHmac('sha256', key).update(json, 'utf8').digest();
  return {
    sign(json) {
      return `s1.${current.id}.${mac(current.key, json).toString('base64url')}`;
    },
    check(json, signature) {
      if (!signature) return 'snapshot is not signed';
      const [form, keyId, value] = signature.split('.');
      if (form !== 's1' || !keyId || !value) return 'snapshot signature is malformed';
      const key = byId.get(keyId);
      if (!key) return `snapshot is signed with an unknown key id ${keyId}`;
      const given = Buffer.from(value, 'base64url');
      const expected = mac(key, json);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'snapshot signature does not match';
      return null;
    },
  };
}
