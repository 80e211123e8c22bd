import { REQUEST_LIMITS as L } from '../../validation/request-limits.ts';
import { createRequestValidator } from '../../validation/request-validator.ts';
import type { ResponsesRequest } from './responses-request.ts';

/**
 * The top-level parameters of `CreateResponse` in the official OpenAI OpenAPI document (2.3.0,
 * test/fixtures/openapi), with its `allOf` parts. Anything else is refused with 400
 * `unknown_parameter`; of these, what a stateless gateway cannot do is refused by the
 * translation (`unsupported_parameter`, to-chat.ts).
 */
export const RESPONSES_PARAMETERS: readonly string[] = [
  'background',
  'context_management',
  'conversation',
  'include',
  'input',
  'instructions',
  'max_output_tokens',
  'max_tool_calls',
  'metadata',
  'model',
  'moderation',
  'parallel_tool_calls',
  'previous_response_id',
  'prompt',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention',
  'reasoning',
  'safety_identifier',
  'service_tier',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'text',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'truncation',
  'user',
];

const nullable = (type: string) => [type, 'null'];

export const responsesValidator = createRequestValidator<ResponsesRequest>(
  {
    type: 'object',
    required: ['model', 'input'],
    properties: {
      model: { type: 'string', minLength: 1, maxLength: L.modelChars },
      input: { type: ['string', 'array'], maxItems: L.messages, items: { type: 'object' } },
      instructions: { type: nullable('string') },
      tools: { type: nullable('array'), maxItems: L.tools, items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } },
      tool_choice: { type: ['string', 'object', 'null'] },
      parallel_tool_calls: { type: nullable('boolean') },
      max_output_tokens: { type: nullable('integer'), minimum: 1, maximum: L.maxTokens },
      temperature: { type: nullable('number') },
      top_p: { type: nullable('number') },
      text: {
        type: nullable('object'),
        properties: { format: { type: 'object', required: ['type'], properties: { type: { enum: ['text', 'json_object', 'json_schema'] } } } },
      },
      reasoning: { type: nullable('object') },
      stream: { type: nullable('boolean') },
      store: { type: nullable('boolean') },
      previous_response_id: { type: nullable('string') },
      user: { type: nullable('string'), maxLength: L.userChars },
      safety_identifier: { type: nullable('string'), maxLength: L.safetyIdentifierChars },
      metadata: {
        type: nullable('object'),
        maxProperties: L.metadataPairs,
        propertyNames: { maxLength: L.metadataKeyChars },
        additionalProperties: { type: 'string', maxLength: L.metadataValueChars },
      },
      include: { type: nullable('array'), maxItems: 64, items: { type: 'string' } },
    },
  },
  RESPONSES_PARAMETERS,
);
