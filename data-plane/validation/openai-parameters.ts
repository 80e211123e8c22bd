/**
 * The top-level request parameters each OpenAI endpoint defines, generated from the official
 * OpenAPI document (openai/openai-openapi `openapi.json`, info.version 2.3.0, commit
 * f85dbe223d40e1a31cba812ab2d755c7e98a92a3; a copy is test/fixtures/openapi), schemas
 * `CreateChatCompletionRequest`, `CreateCompletionRequest` and `CreateEmbeddingRequest` with their
 * `allOf` parts. Only these reach an upstream; any other top-level field is refused with 400
 * `unknown_parameter` unless the deployment allow-lists it (`extraParameters`).
 *
 * openai-parameters.test.ts fails when the spec fixture and these lists disagree: after a spec
 * update, copy the lists it prints.
 */

export const CHAT_COMPLETION_PARAMETERS: readonly string[] = [
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'messages',
  'metadata',
  'modalities',
  'model',
  'moderation',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
];

export const TEXT_COMPLETION_PARAMETERS: readonly string[] = [
  'best_of',
  'echo',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'max_tokens',
  'model',
  'n',
  'presence_penalty',
  'prompt',
  'seed',
  'stop',
  'stream',
  'stream_options',
  'suffix',
  'temperature',
  'top_p',
  'user',
];

export const EMBEDDING_PARAMETERS: readonly string[] = ['dimensions', 'encoding_format', 'input', 'model', 'user'];
