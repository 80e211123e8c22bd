/**
 * Key secrets created in this tab, kept in memory only (gone on reload): the playground offers them,
 * since the API never shows a secret twice.
 */
export const recentSecrets: { name: string; secret: string }[] = [];

export function rememberSecret(name: string, secret: string): void {
  recentSecrets.unshift({ name, secret });
  recentSecrets.splice(10);
}
