/**
 * What never reaches a log line, for both planes' pino loggers (plain data and functions, so
 * shared/ stays free of the logging library).
 *
 * Two layers: paths (pino's `redact`: fast, structural) for the fields we know carry secrets, and
 * a scrubber for free text (error messages and stacks) where an upstream may echo a key back
 * ("Incorrect API key provided: sk-...").
 */
export const REDACTED = '[REDACTED]';

/** pino `redact.paths`: headers, and any field named like a secret, at the top level or one down. */
export const LOG_REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers.cookie',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["api-key"]',
  '*.headers.cookie',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'secret',
  '*.secret',
  'secretKey',
  '*.secretKey',
  'credential',
  '*.credential',
  'credentials',
  '*.credentials',
  'password',
  '*.password',
  'token',
  '*.token',
  'adminKey',
  '*.adminKey',
];

/**
 * Key-shaped substrings: our own keys (`tg_`, `tga_`), OpenAI-style (`sk-`, `sk-proj-`), Anthropic
 * (`sk-ant-`), bearer tokens, and URL userinfo passwords (`redis://:pw@`, `postgresql://u:pw@`).
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{6,}/gi, `Bearer ${REDACTED}`],
  [/\b(?:tga?|sk|rk|pk)[-_][A-Za-z0-9_-]{8,}/g, REDACTED],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

/** Free text with anything key-shaped replaced by `[REDACTED]`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A serialized error (`{ type, message, stack, ...}`) with its text fields scrubbed, recursively. */
export function scrubSerializedError<T>(value: T, depth = 0): T {
  if (depth > 4 || value === null || typeof value !== 'object') return typeof value === 'string' ? (scrubSecrets(value) as T) : value;
  const out: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = typeof field === 'string' ? scrubSecrets(field) : scrubSerializedError(field, depth + 1);
  }
  return out as T;
}
