import type { z } from 'zod';
import { invalidRequest } from '../errors/client-errors.ts';

/**
 * A JSON object body validated by `schema`, or a 400 naming the field at fault. The client's own
 * object is returned (validation only), so unknown fields pass through untouched.
 */
export function parseJsonBody<S extends z.ZodType>(body: Buffer, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalidRequest('The request body must be a JSON object.', null, 'invalid_json');
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : String(key))).join('.').replaceAll('.[', '[') || null;
    throw invalidRequest(`Invalid value for '${param ?? 'body'}': ${issue?.message ?? 'invalid'}`, param, 'invalid_value');
  }
  return json as z.infer<S>;
}
