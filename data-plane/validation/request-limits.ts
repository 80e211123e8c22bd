/**
 * Every count and size the data plane accepts in a request body, in one place (documented in
 * docs/providers.md, "Request limits"). OpenAI's own bounds where it documents them (`n`, `stop`,
 * `tools`, `metadata`, `top_logprobs`, `best_of`, `logprobs`, embedding inputs, `safety_identifier`);
 * Tollgate's where it documents none, generous enough for any real request. They exist so that no
 * number a client sends makes the gateway or an adapter allocate, loop or bill in proportion to it.
 */
export const REQUEST_LIMITS = {
  /** `n`: choices per request (OpenAI: 1..128). */
  choices: 128,
  /** `messages` per chat request. */
  messages: 2048,
  /** Content parts in one message (text, images, audio...). */
  contentParts: 1024,
  /** `tool_calls` in one assistant message. */
  toolCallsPerMessage: 128,
  /** `tools` and `functions` (OpenAI: 128). */
  tools: 128,
  /** `stop` sequences (OpenAI: 4). */
  stopSequences: 4,
  /** `logit_bias` entries. */
  logitBiasEntries: 300,
  /** `user` length in characters: it is stored on every usage event and in rollup keys. */
  userChars: 256,
  /** `safety_identifier` length (OpenAI: 64). */
  safetyIdentifierChars: 64,
  /** `model` name length. */
  modelChars: 256,
  /** `metadata` (OpenAI: 16 pairs, keys up to 64 characters, values up to 512). */
  metadataPairs: 16,
  metadataKeyChars: 64,
  metadataValueChars: 512,
  /** Tags per request (`x-tollgate-tags` and `metadata.tags` together), and characters per tag. */
  tagsPerRequest: 16,
  tagChars: 64,
  /** `top_logprobs` (OpenAI: 0..20). */
  topLogprobs: 20,
  /** `max_tokens` / `max_completion_tokens`: a 32-bit count, what upstream servers parse. */
  maxTokens: 2_147_483_647,
  /** Items of an embeddings `input` or a completions `prompt` array (OpenAI: 2048). */
  inputItems: 2048,
  /** `dimensions` of an embedding. */
  dimensions: 65_536,
  /** Legacy completions: `best_of` (OpenAI: 0..20) and `logprobs` (OpenAI: 0..5). */
  bestOf: 20,
  completionLogprobs: 5,
} as const;
