import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isPublishedAdminKey, isPublishedKey } from './published-secrets.ts';
import { parseSecretKeys, type SecretKey, type SecretKeyKdf, secretKeyProblems } from './secret-keys.ts';

/**
 * TOLLGATE_SECRET_KEY when set. Otherwise (the embedded single-machine default) a key generated
 * once and kept in `<dataDir>/secret.key`, readable by the owner only. Both planes started from
 * the same working directory thereby share it.
 */
export function resolveSecretKeys(fromEnv: string | undefined, dataDir: string, kdf: SecretKeyKdf = 'none'): SecretKey[] {
  if (fromEnv) return parseSecretKeys(fromEnv, kdf);
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

/**
 * Environment validation for both planes: TOLLGATE_SECRET_KEY's problems, and in production a
 * published example key or admin key. Messages name the variable and the fix.
 */
export function secretSettingsProblems(settings: { secretKey?: string; kdf: SecretKeyKdf; adminKey?: string; production: boolean }): string[] {
  const problems: string[] = [];
  if (settings.secretKey) {
    const keyProblems = secretKeyProblems(settings.secretKey, settings.kdf);
    problems.push(...keyProblems.map((problem) => `TOLLGATE_SECRET_KEY: ${problem}`));
    if (keyProblems.length === 0 && settings.production && settings.kdf === 'none') {
      const published = parseSecretKeys(settings.secretKey).filter((k) => isPublishedKey(k.key));
      for (const key of published) {
        problems.push(
          `TOLLGATE_SECRET_KEY: key ${JSON.stringify(key.id)} is the publicly known example from this repository; generate your own (openssl rand -base64 32) before running in production`,
        );
      }
    }
  }
  if (settings.adminKey && settings.production && isPublishedAdminKey(settings.adminKey)) {
    problems.push(
      'TOLLGATE_ADMIN_KEY: this is the publicly known example value; choose your own (e.g. tga_ + openssl rand -base64 30) before running in production',
    );
  }
  return problems;
}
