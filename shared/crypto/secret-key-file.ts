import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSecretKeys, type SecretKey } from './secret-box.ts';

/**
 * TOLLGATE_SECRET_KEY when set. Otherwise (the embedded single-machine default) a key generated
 * once and kept in `<dataDir>/secret.key`, readable by the owner only. Both planes started from
 * the same working directory thereby share it.
 */
export function resolveSecretKeys(fromEnv: string | undefined, dataDir: string): SecretKey[] {
  if (fromEnv) return parseSecretKeys(fromEnv);
  const file = path.join(dataDir, 'secret.key');
  try {
    return parseSecretKeys(readFileSync(file, 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const generated = `local:${randomBytes(32).toString('base64')}`;
  writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  return parseSecretKeys(generated);
}
