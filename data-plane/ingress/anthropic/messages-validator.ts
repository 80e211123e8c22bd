import { REQUEST_LIMITS as L } from '../../validation/request-limits.ts';
import { createRequestValidator } from '../../validation/request-validator.ts';
import type { CountTokensRequest, MessagesRequest } from './messages-request.ts';

/**
 * Anthropic's top-level Messages API parameters (platform.claude.com API reference, `POST
 * /v1/messages`, 2023-06-01 with the current betas Claude Code sends). A native Anthropic
 * deployment gets these and any its deployment allow-lists (`extraParameters`); another field is
 * refused with 400 `unknown_parameter`, as on every endpoint.
 */
export const MESSAGES_PARAMETERS: readonly string[] = [
  'container',
  'context_management',
  'max_tokens',
  'mcp_servers',
  'messages',
  'metadata',
  'model',
  'output_format',
  'service_tier',
  'stop_sequences',
  'stream',
  'system',
  'temperature',
  'thinking',
  'tool_choice',
  'tools',
  'top_k',
  'top_p',
];

/** Stop sequences Anthropic accepts are not bounded in its docs; this is ours. */
const MAX_STOP_SEQUENCES = 64;

const typed = { type: 'object', required: ['type'], properties: { type: { type: 'string' } } };
// A block's own `content` (a tool_result's text or blocks; a server tool result's object) is read
// by the translation and the token estimate: blocks in it must be blocks too.
const block = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' }, content: { type: ['string', 'array', 'object'], maxItems: L.contentParts, items: typed } },
};
const content = { type: ['string', 'array'], maxItems: L.contentParts, items: block };

const properties = {
  model: { type: 'string', minLength: 1, maxLength: L.modelChars },
  messages: {
    type: 'array',
    minItems: 1,
    maxItems: L.messages,
    items: { type: 'object', required: ['role', 'content'], properties: { role: { enum: ['user', 'assistant'] }, content } },
  },
  max_tokens: { type: 'integer', minimum: 1, maximum: L.maxTokens },
  system: content,
  stream: { type: 'boolean' },
  temperature: { type: 'number' },
  top_p: { type: 'number' },
  top_k: { type: 'integer', minimum: 0 },
  stop_sequences: { type: 'array', maxItems: MAX_STOP_SEQUENCES, items: { type: 'string' } },
  metadata: { type: 'object', properties: { user_id: { type: ['string', 'null'], maxLength: L.userChars } } },
  tools: {
    type: 'array',
    maxItems: L.tools,
    items: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 }, type: { type: 'string' }, description: { type: 'string' }, input_schema: { type: 'object' } },
    },
  },
  tool_choice: {
    type: 'object',
    required: ['type'],
    properties: { type: { enum: ['auto', 'any', 'tool', 'none'] }, name: { type: 'string' }, disable_parallel_tool_use: { type: 'boolean' } },
  },
  thinking: typed,
} as const;

export const messagesValidator = createRequestValidator<MessagesRequest>(
  { type: 'object', required: ['model', 'messages', 'max_tokens'], properties },
  MESSAGES_PARAMETERS,
);

/** `count_tokens` takes the same body without the output bound. */
export const countTokensValidator = createRequestValidator<CountTokensRequest>(
  { type: 'object', required: ['model', 'messages'], properties },
  MESSAGES_PARAMETERS,
);
