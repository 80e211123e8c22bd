import type { z } from 'zod';
import { ChatCompletionRequest, FORBIDDEN_REQUEST_FIELDS } from '../../shared/openai/chat-request.ts';
import { invalidRequest } from '../errors/client-errors.ts';

/**
 * The body as a validated chat request, or a 400 naming the field at fault. The result is the
 * client's own object (validation only), so unknown fields reach the upstream byte-for-byte.
 */
export function parseChatRequest(body: Buffer): ChatCompletionRequest {
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
  const parsed = ChatCompletionRequest.safeParse(json);
  if (!parsed.success) throw fromIssue(parsed.error.issues[0], json);
  return json as ChatCompletionRequest;
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
