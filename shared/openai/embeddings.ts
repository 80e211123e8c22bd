import { z } from 'zod';

/**
 * `POST /v1/embeddings` as Tollgate accepts it. Loose like the chat request: fields the gateway
 * does not read (e.g. a provider's `input_type`) pass through to OpenAI-style upstreams.
 */
export const EmbeddingRequest = z.looseObject({
  model: z.string().min(1),
  /** A string, strings, or token arrays (OpenAI accepts both token forms). */
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number().int()).min(1), z.array(z.array(z.number().int()).min(1)).min(1)]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.string().nullish(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;

/** The response: one vector per input, in input order; usage has no completion side. */
export const EmbeddingResponse = z.looseObject({
  object: z.literal('list'),
  data: z.array(z.looseObject({ object: z.literal('embedding'), index: z.number().int(), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.number().int().nonnegative(), total_tokens: z.number().int().nonnegative().optional() }).nullish(),
});
export type EmbeddingResponse = z.infer<typeof EmbeddingResponse>;

/** The inputs as texts, for token estimates (token arrays count one token per element). */
export function embeddingInputs(input: EmbeddingRequest['input']): { texts: string[]; tokens: number } {
  if (typeof input === 'string') return { texts: [input], tokens: 0 };
  if (input.length === 0) return { texts: [], tokens: 0 };
  if (typeof input[0] === 'string') return { texts: input as string[], tokens: 0 };
  if (typeof input[0] === 'number') return { texts: [], tokens: input.length };
  return { texts: [], tokens: (input as number[][]).reduce((sum, tokens) => sum + tokens.length, 0) };
}
