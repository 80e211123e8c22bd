/**
 * Values this repository published as examples (compose.yaml, deploy/kubernetes/secret.yaml,
 * docs). Anyone can read them, so in production mode (NODE_ENV=production) neither plane starts
 * with one of them. Keys are compared by their decoded bytes, whatever the key id or spelling.
 */
const PUBLISHED_KEYS = ['MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='].map((b64) => Buffer.from(b64, 'base64'));
const PUBLISHED_ADMIN_KEYS = new Set(['tga_change-me-please-0000000000']);

/** Whether a key's bytes are one of the published example keys. */
export function isPublishedKey(key: Buffer): boolean {
  return PUBLISHED_KEYS.some((published) => published.equals(key));
}

/** Whether an admin key is a published example (or still says "change me"). */
export function isPublishedAdminKey(adminKey: string): boolean {
  return PUBLISHED_ADMIN_KEYS.has(adminKey) || /change[-_]?me/i.test(adminKey);
}
