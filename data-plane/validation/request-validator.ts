import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { invalidRequest } from '../errors/client-errors.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

/**
 * A request body validator: a JSON Schema compiled once (ajv generates plain JS, so a valid body
 * costs a few property checks and allocates nothing), plus the endpoint's known top-level
 * parameters. Errors are OpenAI's 400s, with its codes and `param` paths (`messages[3].content`).
 */
export interface RequestValidator<T> {
  /**
   * Throws the 400 of the first problem; otherwise returns the body's top-level fields the
   * endpoint does not define (the same empty array when none, nearly always).
   */
  check(json: object): readonly string[];
  /** The endpoint's defined top-level parameters (from the OpenAI spec). */
  readonly known: ReadonlySet<string>;
  /** Phantom: the type a valid body has. */
  readonly type?: T;
}

const NONE: readonly string[] = Object.freeze([]);

// One instance for every schema: `verbose` puts the offending value on errors (messages say what
// was sent); no coercion, no defaults: the client's object is forwarded as it came.
const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false });

export function createRequestValidator<T>(schema: object, known: readonly string[]): RequestValidator<T> {
  const validate: ValidateFunction = ajv.compile(schema);
  const knownSet = new Set(known);
  return {
    known: knownSet,
    check(json) {
      if (!validate(json)) throw toOpenAIError(validate.errors?.[0]);
      let unknown: string[] | null = null;
      for (const key in json) {
        if (!knownSet.has(key)) (unknown ??= []).push(key);
      }
      return unknown ?? NONE;
    },
  };
}

/** `/messages/0/content` -> `messages[0].content`, OpenAI's way of naming a parameter. */
function paramName(instancePath: string, child?: string): string {
  let name = '';
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/');
  if (child !== undefined) segments.push(child);
  for (const raw of segments) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    name += /^\d+$/.test(segment) ? `[${segment}]` : name ? `.${segment}` : segment;
  }
  return name;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  null: 'null',
};

/** The first schema error as OpenAI words it (codes as in its own 400s). */
function toOpenAIError(error: ErrorObject | undefined): GatewayError {
  if (!error) return invalidRequest('The request body is invalid.', null, 'invalid_value');
  const param = paramName(error.instancePath);
  const label = param || 'body';
  const data = error.data as unknown;
  const limit = (error.params as { limit?: number }).limit;
  switch (error.keyword) {
    case 'required': {
      const missing = paramName(error.instancePath, (error.params as { missingProperty: string }).missingProperty);
      return invalidRequest(`Missing required parameter: '${missing}'.`, missing, 'missing_required_parameter');
    }
    case 'type': {
      const expected = ([] as string[]).concat((error.params as { type: string | string[] }).type).map((type) => TYPE_NAMES[type] ?? type);
      return invalidRequest(
        `Invalid type for '${label}': expected ${expected.join(' or ')}, but got ${describe(data)} instead.`,
        param || null,
        'invalid_type',
      );
    }
    case 'anyOf':
      return invalidRequest(
        `Invalid type for '${label}': expected a string, an array of strings, an array of integers or an array of integer arrays.`,
        param || null,
        'invalid_type',
      );
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.filter((value) => value !== null);
      return invalidRequest(
        `Invalid value: ${JSON.stringify(data)}. Supported values are: ${allowed.map((value) => `'${String(value)}'`).join(', ')}.`,
        param || null,
        'invalid_value',
      );
    }
    case 'minItems':
      return limit === 1
        ? invalidRequest(
            `Invalid '${label}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
            param || null,
            'empty_array',
          )
        : invalidRequest(`Invalid '${label}': array too short. Expected an array with minimum length ${limit}.`, param || null, 'array_below_min_length');
    case 'maxItems':
      return invalidRequest(
        `Invalid '${label}': array too long. Expected an array with maximum length ${limit}, but got an array with length ${(data as unknown[]).length} instead.`,
        param || null,
        'array_above_max_length',
      );
    case 'minLength':
      return invalidRequest(
        `Invalid '${label}': empty string. Expected a string with minimum length ${limit}, but got an empty string instead.`,
        param || null,
        'empty_string',
      );
    case 'maxLength': {
      const key = (error as { propertyName?: string }).propertyName;
      if (key !== undefined) {
        return invalidRequest(
          `Invalid '${label}': key too long. Expected keys with maximum length ${limit}, but got a key with length ${key.length} instead.`,
          param || null,
          'string_above_max_length',
        );
      }
      return invalidRequest(
        `Invalid '${label}': string too long. Expected a string with maximum length ${limit}, but got a string with length ${(data as string).length} instead.`,
        param || null,
        'string_above_max_length',
      );
    }
    case 'maximum':
      return invalidRequest(
        `Invalid '${label}': integer above maximum value. Expected a value <= ${limit}, but got ${String(data)} instead.`,
        param || null,
        'integer_above_max_value',
      );
    case 'minimum':
      return invalidRequest(
        `Invalid '${label}': integer below minimum value. Expected a value >= ${limit}, but got ${String(data)} instead.`,
        param || null,
        'integer_below_min_value',
      );
    case 'maxProperties':
      return invalidRequest(
        `Invalid '${label}': too many properties. Expected an object with at most ${limit} properties, but got an object with ${Object.keys(data as object).length} properties instead.`,
        param || null,
        'object_above_max_properties',
      );
    default:
      return invalidRequest(`Invalid value for '${label}': ${error.message ?? 'invalid'}.`, param || null, 'invalid_value');
  }
}

/** Thrown for a top-level field the endpoint does not define (OpenAI's own wording). */
export function unknownParameter(name: string): GatewayError {
  return invalidRequest(`Unrecognized request argument supplied: ${name}`, name, 'unknown_parameter');
}
