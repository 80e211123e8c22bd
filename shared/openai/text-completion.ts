import { z } from 'zod';
import { StreamOptions } from './chat-request.ts';

/**
 * The legacy `POST /v1/completions` request (prompt in, text out). Tollgate only passes it
 * through to providers that still serve it, so only what the gateway reads is typed.
 */
export const TextCompletionRequest = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))]),
  stream: z.boolean().nullish(),
  stream_options: StreamOptions.nullish(),
  max_tokens: z.number().int().positive().nullish(),
  n: z.number().int().positive().nullish(),
  user: z.string().nullish(),
});
export type TextCompletionRequest = z.infer<typeof TextCompletionRequest>;

/** `text_completion`, whole or as one streamed frame (same object type in both cases). */
export const TextCompletion = z.looseObject({
  id: z.string(),
  object: z.literal('text_completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number(), text: z.string().optional(), finish_reason: z.string().nullish() })),
});
export type TextCompletion = z.infer<typeof TextCompletion>;
