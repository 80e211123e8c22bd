import type { z } from 'zod';
import { FORBIDDEN_REQUEST_FIELDS } from '../../shared/openai/chat-request.ts';
import { invalidRequest } from '../errors/client-errors.ts';

/**
 * A JSON object body validated by `schema`, or a 400 naming the field at fault. Fields that would
 * let a client pick the upstream (`api_base`, `base_url`, extra auth headers...) are refused on
 * every endpoint: the gateway chooses the upstream. The client's own object is returned
 * (validation only), so unknown fields reach the upstream byte-for-byte.
 */
export function parseJsonBody<S extends z.ZodType>(body: Buffer, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  for (const field of FORBIDDEN_REQUEST_FIELDS) {
    if (field in json) {
      throw invalidRequest(`The \`${field}\` field is not accepted: the gateway chooses the upstream.`, field, 'forbidden_parameter');
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fromIssue(parsed.error.issues[0], json);
  return json as z.infer<S>;
}

function fromIssue(issue: z.core.$ZodIssue | undefined, json: object) {
  if (!issue) return invalidRequest('The request body is invalid.');
  const param = issue.path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    '',
  );
  const value = issue.path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined), json);
  const missing = issue.code === 'invalid_type' && value === undefined;
  const message = missing ? `Missing required parameter: '${param}'.` : `Invalid value for '${param || 'body'}': ${issue.message}`;
  return invalidRequest(message, param || null, missing ? 'missing_required_parameter' : 'invalid_value');
}
