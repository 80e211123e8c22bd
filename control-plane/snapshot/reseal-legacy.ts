import type { PrismaClient } from '../../generated/prisma/client.ts';
import { providerBinding, type SecretBox } from '../../shared/crypto/secret-box.ts';

/**
 * The migration of credentials sealed before 0.2 (`v1`, bound to nothing): at start, before its
 * first snapshot, the control plane re-seals each as `v2`, bound to its provider's id and base
 * URL. Data planes never open `v1`, so a sealed value copied to another provider or URL cannot
 * slip through as "legacy". Safe with several replicas starting together: each row is replaced
 * only if it still holds the value that was read (compare and set), so a row is re-sealed once.
 * A value that does not open with our keys is left as it is (the provider stays unusable, as it
 * was) and reported.
 */
export async function resealLegacyCredentials(
  prisma: Pick<PrismaClient, 'provider'>,
  box: SecretBox,
  log: (message: string) => void = console.warn,
): Promise<number> {
  const rows = await prisma.provider.findMany({
    where: { credentialCiphertext: { startsWith: 'v1.' } },
    select: { id: true, name: true, baseUrl: true, credentialCiphertext: true },
  });
  let resealed = 0;
  for (const row of rows) {
    const sealed = row.credentialCiphertext!;
    let clear: string;
    try {
      clear = box.openLegacy(sealed);
    } catch (error) {
      log(`provider ${row.name}: its legacy credential does not open with TOLLGATE_SECRET_KEY (${(error as Error).message}); left as it is`);
      continue;
    }
    const { count } = await prisma.provider.updateMany({
      where: { id: row.id, credentialCiphertext: sealed },
      data: { credentialCiphertext: box.seal(clear, providerBinding(row)) },
    });
    resealed += count;
  }
  if (resealed > 0) log(`re-sealed ${resealed} provider credential(s) bound to their provider id and base URL`);
  return resealed;
}
