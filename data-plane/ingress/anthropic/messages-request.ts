import { z } from 'zod';

/**
 * Anthropic's Messages API request (`POST /v1/messages`) as Tollgate accepts it. Only what the
 * gateway reads or translates is typed; objects are loose, so a native Anthropic deployment gets
 * every field (thinking, cache_control, server tools, citations, betas) exactly as sent.
 */

const Block = z.looseObject({ type: z.string() });
const Content = z.union([z.string(), z.array(Block)]);

export const AnthropicMessage = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: Content,
});

export const AnthropicTool = z.looseObject({
  /** Absent or `custom` for a client tool; a dated type (`web_search_20250305`) for a server tool. */
  type: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.looseObject({}).optional(),
});

export const MessagesRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(AnthropicMessage).min(1),
  max_tokens: z.number().int().positive(),
  system: Content.optional(),
  stream: z.boolean().optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  tools: z.array(AnthropicTool).optional(),
  tool_choice: z
    .looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional(), disable_parallel_tool_use: z.boolean().optional() })
    .optional(),
});

/** `POST /v1/messages/count_tokens`: the request without the output bound. */
export const CountTokensRequest = MessagesRequest.omit({ max_tokens: true, stream: true });

export type AnthropicBlock = z.infer<typeof Block>;
export type MessagesRequest = z.infer<typeof MessagesRequest>;
export type CountTokensRequest = z.infer<typeof CountTokensRequest>;
