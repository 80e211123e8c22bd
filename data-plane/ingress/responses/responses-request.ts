import { z } from 'zod';

/**
 * OpenAI's Responses API request (`POST /v1/responses`) as Tollgate accepts it: the stateless
 * subset that translates to chat completions (see docs/providers.md). Items are loose objects,
 * checked item by item where they are translated.
 */

const Item = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

export const ResponsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(Item)]),
  instructions: z.string().nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.string() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  text: z.looseObject({ format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional() }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
export type ResponsesItem = z.infer<typeof Item>;

/**
 * Fields accepted and not sent upstream, because they change nothing a stateless gateway does
 * (`include: []`, `truncation: "disabled"`, cache and tier hints). Anything else unknown is a 400.
 */
export const IGNORED_FIELDS = ['include', 'truncation', 'prompt_cache_key', 'service_tier', 'stream_options'] as const;
