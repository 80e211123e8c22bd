import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * The official OpenAI OpenAPI document (test/fixtures/openapi/, see SOURCE.md there), compiled
 * once with ajv: `conforms(schemaName, value)` names what is wrong, for an `expect(...).toEqual([])`.
 */
const SPEC_FILE = path.resolve(import.meta.dirname, '../fixtures/openapi/openai-openapi.json');

let ajv: Ajv2020 | null = null;
const compiled = new Map<string, ValidateFunction>();

function validator(schemaName: string): ValidateFunction {
  if (!ajv) {
    // strict off: the document carries OpenAPI's own keywords (x-oaiMeta, discriminator...).
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(ajv);
    // OpenAI's own format names: integer Unix seconds, and free-form text.
    ajv.addFormat('unixtime', { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= 0 });
    ajv.addSchema(<object>nullableAsAnyOf(JSON.parse(readFileSync(SPEC_FILE, 'utf8'))), 'openai');
  }
  let validate = compiled.get(schemaName);
  if (!validate) {
    validate = ajv.compile({ $ref: `openai#/components/schemas/${schemaName}` });
    compiled.set(schemaName, validate);
  }
  return validate;
}

/** The spec's complaints about `value` as `components.schemas[schemaName]`; [] when it conforms. */
export function specErrors(schemaName: string, value: unknown): string[] {
  const validate = validator(schemaName);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/**
 * `nullable: true` is an OpenAPI 3.0 keyword the document still uses in places (beside `type`,
 * `enum` or a `$ref`): it means "or null". Rewritten as `anyOf: [schema, {type: null}]`, which
 * is what it means, since ajv's own reading of it ignores `enum` and refuses it beside `$ref`.
 */
function nullableAsAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAsAnyOf);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'nullable') out[key] = nullableAsAnyOf(value);
  if ((node as { nullable?: unknown }).nullable !== true) return out;
  const { description, ...schema } = out;
  return { ...(description === undefined ? {} : { description }), anyOf: [schema, { type: 'null' }] };
}

/** The spec's schema of each Responses API stream event Tollgate sends, by event type. */
export const RESPONSE_EVENT_SCHEMAS: Readonly<Record<string, string>> = {
  'response.created': 'ResponseCreatedEvent',
  'response.in_progress': 'ResponseInProgressEvent',
  'response.output_item.added': 'ResponseOutputItemAddedEvent',
  'response.output_item.done': 'ResponseOutputItemDoneEvent',
  'response.content_part.added': 'ResponseContentPartAddedEvent',
  'response.content_part.done': 'ResponseContentPartDoneEvent',
  'response.output_text.delta': 'ResponseTextDeltaEvent',
  'response.output_text.done': 'ResponseTextDoneEvent',
  'response.function_call_arguments.delta': 'ResponseFunctionCallArgumentsDeltaEvent',
  'response.function_call_arguments.done': 'ResponseFunctionCallArgumentsDoneEvent',
  'response.completed': 'ResponseCompletedEvent',
  'response.incomplete': 'ResponseIncompleteEvent',
  'response.failed': 'ResponseFailedEvent',
};
