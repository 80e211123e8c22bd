import { z } from 'zod';

/**
 * The chat completion request's type: the fields the gateway reads are typed, others are kept as
 * they came. Requests are validated by data-plane/validation (a compiled JSON Schema with every
 * count bounded, and the OpenAI spec's parameter list), not by this zod schema: zod is off the
 * request path.
 */

const ContentPart = z.looseObject({ type: z.string() });

/** String, an array of typed parts, or null (an assistant turn that only calls tools). */
export const MessageContent = z.union([z.string(), z.array(ContentPart), z.null()]);

export const ChatMessage = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: MessageContent.optional(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z.array(z.looseObject({})).optional(),
});

export const StreamOptions = z.looseObject({ include_usage: z.boolean().optional() });

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullish(),
  stream_options: StreamOptions.nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  // Ranges are the upstream's to check: providers differ (0..2 here, 0..1 there).
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  n: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  /** The app's end user; reported on usage events for per-user rollups. */
  user: z.string().nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
});

export type ChatMessage = z.infer<typeof ChatMessage>;
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/**
 * Body fields that would let a client pick the upstream, its credentials or its endpoint (the
 * names other gateways and SDKs accept). The gateway owns routing: these are refused with 400,
 * never forwarded.
 */
export const FORBIDDEN_REQUEST_FIELDS = [
  'api_base',
  'base_url',
  'api_key',
  'api_version',
  'api_type',
  'azure_endpoint',
  'azure_ad_token',
  'custom_llm_provider',
  'extra_headers',
  'headers',
  'organization',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_region_name',
  'vertex_credentials',
  'vertex_project',
  'vertex_location',
] as const;

/** Text of a message's content, for token estimates: text parts joined, other parts ignored. */
export function messageText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  let text = '';
  // A plain check, not a schema parse: this runs on every request (token estimates).
  for (const part of content) {
    const { type, text: partText } = part as { type?: unknown; text?: unknown };
    if (type === 'text' && typeof partText === 'string') text += partText;
  }
  return text;
}
