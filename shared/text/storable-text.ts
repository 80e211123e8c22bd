/**
 * Text PostgreSQL cannot store in text or jsonb: a NUL, or a lone UTF-16 surrogate (it has no
 * UTF-8). Both planes refuse such input up front (a data plane's usage labels, the control
 * plane's GraphQL strings) rather than let the database fail on it later.
 */
export function isUnstorableText(value: string): boolean {
  return UNSTORABLE.test(value);
}

const UNSTORABLE = /[\0\p{Cs}]/u;
