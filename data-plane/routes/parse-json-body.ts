import { FORBIDDEN_REQUEST_FIELDS } from '../../shared/openai/chat-request.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../validation/json-depth.ts';
import type { RequestValidator } from '../validation/request-validator.ts';

export interface ParsedBody<T> {
  /** The client's own object, validated (not copied, not coerced). */
  request: T;
  /**
   * Top-level fields the endpoint does not define (usually none). The route refuses them with
   * `unknown_parameter` unless a deployment of the model allow-lists them (extra-parameters.ts).
   */
  extraParameters: readonly string[];
}

const FORBIDDEN: ReadonlySet<string> = new Set(FORBIDDEN_REQUEST_FIELDS);

/**
 * A JSON object body checked by `validator` (data-plane/validation: a compiled JSON Schema with
 * every count bounded, and the endpoint's parameter list), or a 400 naming the field at fault.
 * Fields that would let a client pick the upstream (`api_base`, `base_url`, extra auth
 * headers...) are refused on every endpoint, allow-listed or not: the gateway chooses the upstream.
 */
export function parseRequestBody<T>(body: Buffer, validator: RequestValidator<T>): ParsedBody<T> {
  const json = readJsonObject(body);
  // Forbidden names are never defined parameters: only an unknown field can be one, so the
  // common request (no unknown field) pays nothing for this check.
  const extraParameters = validator.check(json);
  for (const field of extraParameters) {
    if (FORBIDDEN.has(field)) throw forbidden(field);
  }
  return { request: json as T, extraParameters };
}

/** The body as a JSON object; nesting is bounded before JSON.parse sees the bytes. */
function readJsonObject(body: Buffer): object {
  if (exceedsJsonDepth(body)) {
    throw invalidRequest(`The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`, null, 'nesting_too_deep');
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  return json;
}

const forbidden = (field: string) => invalidRequest(`The \`${field}\` field is not accepted: the gateway chooses the upstream.`, field, 'forbidden_parameter');
