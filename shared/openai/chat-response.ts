import { z } from 'zod';
import type { TokenCounts } from '../pricing/cost.ts';

/**
 * The usage block of a completion or of the final stream chunk. Loose: providers add detail
 * objects we do not read yet.
 */
export const CompletionUsage = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative().optional(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().int().nonnegative().nullish() }).nullish(),
});
export type CompletionUsage = z.infer<typeof CompletionUsage>;

/** `chat.completion`: the non-streamed response. Only the fields the gateway reads are typed. */
export const ChatCompletion = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number() })),
  usage: CompletionUsage.nullish(),
});
export type ChatCompletion = z.infer<typeof ChatCompletion>;

export const ChunkDelta = z.looseObject({
  role: z.string().optional(),
  content: z.string().nullish(),
  tool_calls: z.array(z.looseObject({ function: z.looseObject({ arguments: z.string().optional() }).optional() })).nullish(),
});

/**
 * `chat.completion.chunk`: one SSE frame of a streamed response. With
 * `stream_options.include_usage` the last chunk before `[DONE]` has `choices: []` and the usage.
 */
export const ChatCompletionChunk = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number(), delta: ChunkDelta.optional(), finish_reason: z.string().nullish() })),
  usage: CompletionUsage.nullish(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

/** The wire usage block as the integer token counts pricing and usage events use. */
export function toTokenCounts(usage: CompletionUsage): TokenCounts {
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** Token counts as the OpenAI wire usage block. */
export function toCompletionUsage(tokens: TokenCounts): CompletionUsage {
  return {
    prompt_tokens: tokens.promptTokens,
    completion_tokens: tokens.completionTokens,
    total_tokens: tokens.promptTokens + tokens.completionTokens,
    prompt_tokens_details: { cached_tokens: tokens.cachedTokens },
    ...(tokens.reasoningTokens ? { completion_tokens_details: { reasoning_tokens: tokens.reasoningTokens } } : {}),
  };
}

/**
 * A chat.completion with the fields OpenAI always sends and the official spec requires, added
 * where an OpenAI-compatible upstream (vLLM, Ollama...) or a mapping left them out:
 * `choices[].message.refusal` and `choices[].logprobs`, both null. Strict and generated clients
 * reject the answer without them.
 */
export function withRequiredChoiceFields(completion: ChatCompletion): ChatCompletion {
  const complete = completion.choices.every((choice) => {
    const message = choice.message as object | undefined;
    return 'logprobs' in choice && (message === undefined || 'refusal' in message);
  });
  if (complete) return completion;
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      const message = (choice as { message?: Record<string, unknown> }).message;
      return {
        ...choice,
        logprobs: (choice as { logprobs?: unknown }).logprobs ?? null,
        ...(message ? { message: { ...message, refusal: message.refusal ?? null } } : {}),
      };
    }),
  };
}
