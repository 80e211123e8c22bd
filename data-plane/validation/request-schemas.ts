import { REQUEST_LIMITS as L } from './request-limits.ts';

/**
 * JSON Schemas of the request bodies, compiled once by request-validator.ts. They type what the
 * gateway reads and bound every count and size (REQUEST_LIMITS); nested objects stay open (a
 * message part or a tool definition may carry fields newer than this list), and top-level fields
 * are checked against the OpenAI spec's parameter list separately (unknown_parameter).
 */

const nullable = (type: string | string[]) => (Array.isArray(type) ? [...type, 'null'] : [type, 'null']);
const int = (minimum: number, maximum: number) => ({ type: nullable('integer'), minimum, maximum });
const number = { type: nullable('number') };
const boolean = { type: nullable('boolean') };
const string = (maxLength?: number) => ({ type: nullable('string'), ...(maxLength === undefined ? {} : { maxLength }) });

/** A string or up to N strings (`stop`). */
const stop = { type: ['string', 'array', 'null'], maxItems: L.stopSequences, items: { type: 'string' } };
const logitBias = { type: nullable('object'), maxProperties: L.logitBiasEntries, additionalProperties: { type: 'number' } };
/** OpenAI's string pairs; `tags` may also be an array of strings, as LiteLLM clients send it (request-tags.ts). */
const metadata = {
  type: nullable('object'),
  maxProperties: L.metadataPairs,
  propertyNames: { maxLength: L.metadataKeyChars },
  properties: { tags: { type: ['string', 'array'], maxLength: L.metadataValueChars, maxItems: L.tagsPerRequest, items: { type: 'string' } } },
  additionalProperties: { type: 'string', maxLength: L.metadataValueChars },
};
const streamOptions = { type: nullable('object'), properties: { include_usage: { type: 'boolean' } } };
const model = { type: 'string', minLength: 1, maxLength: L.modelChars };
const maxTokens = int(1, L.maxTokens);
const typed = { type: 'object', required: ['type'], properties: { type: { type: 'string' } } };

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
    content: { type: ['string', 'array', 'null'], maxItems: L.contentParts, items: typed },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: { type: 'array', maxItems: L.toolCallsPerMessage, items: { type: 'object' } },
  },
};

export const chatCompletionSchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model,
    messages: { type: 'array', minItems: 1, maxItems: L.messages, items: message },
    stream: boolean,
    stream_options: streamOptions,
    max_tokens: maxTokens,
    max_completion_tokens: maxTokens,
    // Ranges are the upstream's to check: providers differ (0..2 here, 0..1 there).
    temperature: number,
    top_p: number,
    n: int(1, L.choices),
    stop,
    user: string(L.userChars),
    safety_identifier: string(L.safetyIdentifierChars),
    tools: { type: nullable('array'), maxItems: L.tools, items: typed },
    functions: { type: nullable('array'), maxItems: L.tools, items: { type: 'object' } },
    logit_bias: logitBias,
    metadata,
    logprobs: boolean,
    top_logprobs: int(0, L.topLogprobs),
    seed: { type: nullable('integer') },
  },
} as const;

/** A string, strings, a token array or token arrays, bounded in items (embeddings `input`, completions `prompt`). */
function textsOrTokens(minItems: number) {
  return {
    type: ['string', 'array'],
    minItems,
    maxItems: L.inputItems,
    anyOf: [
      { type: 'string' },
      { type: 'array', items: { type: 'string' } },
      { type: 'array', items: { type: 'integer' } },
      { type: 'array', items: { type: 'array', minItems: 1, items: { type: 'integer' } } },
    ],
  };
}

export const textCompletionSchema = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model,
    prompt: textsOrTokens(0),
    stream: boolean,
    stream_options: streamOptions,
    max_tokens: maxTokens,
    n: int(1, L.choices),
    best_of: int(0, L.bestOf),
    logprobs: int(0, L.completionLogprobs),
    echo: boolean,
    suffix: string(),
    stop,
    user: string(L.userChars),
    logit_bias: logitBias,
    temperature: number,
    top_p: number,
    seed: { type: nullable('integer') },
  },
} as const;

export const embeddingSchema = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model,
    input: textsOrTokens(1),
    encoding_format: { enum: ['float', 'base64', null] },
    dimensions: int(1, L.dimensions),
    user: string(L.userChars),
  },
} as const;
