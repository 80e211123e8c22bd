import type { ChatCompletionRequest, ChatMessage } from '../../../shared/openai/chat-request.ts';
import { invalidRequest } from '../../errors/client-errors.ts';
import type { UpstreamCall } from '../adapter.ts';
import { refuseMultipleAnswersAndJsonMode, toAlternatingTurns } from '../alternating-turns.ts';
import { baseUrlOf, type WireRequest } from '../http-call.ts';
import { unsupportedParameter } from '../unsupported-parameter.ts';

/** The Messages API version header this mapping is written against. */
export const ANTHROPIC_VERSION = '2023-06-01';
const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
/** Anthropic requires max_tokens; OpenAI clients usually send none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;

/**
 * An OpenAI chat request as an Anthropic Messages API request: system and developer messages
 * become the top-level `system`, tool results become `tool_result` blocks of a user turn,
 * assistant tool calls become `tool_use` blocks, tools and tool_choice are translated, and
 * consecutive turns of one role are merged. What Anthropic cannot do (n > 1, JSON mode,
 * logprobs) is refused with 400 before any I/O.
 */
export function toAnthropicRequest(call: UpstreamCall, stream: boolean): WireRequest {
  const request = call.request as ChatCompletionRequest & Record<string, any>;
  refuseMultipleAnswersAndJsonMode('anthropic', request);
  const { system, turns: messages } = toAlternatingTurns<Block>(request.messages, {
    text: textBlocks,
    user: contentBlocks,
    toolUses: toolUseBlocks,
    toolResult: toolResultBlock,
  });

  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    messages,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
  };
  if (system.length > 0) body.system = system;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.stop != null) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool, index) => {
      if (tool.type !== 'function') throw unsupportedParameter('anthropic', `tools[${index}].type`, `Tool type \`${tool.type}\``);
      const fn = (tool as { function?: { name?: string; description?: string; parameters?: object } }).function;
      if (!fn?.name) throw invalidRequest('A function tool needs a name.', `tools[${index}].function.name`);
      return { name: fn.name, ...(fn.description ? { description: fn.description } : {}), input_schema: fn.parameters ?? { type: 'object', properties: {} } };
    });
  }
  const toolChoice = toAnthropicToolChoice(request.tool_choice, request.parallel_tool_calls);
  if (toolChoice && body.tools) body.tool_choice = toolChoice;
  if (stream) body.stream = true;

  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (call.provider.credential !== null) headers['x-api-key'] = call.provider.credential;
  return { url: anthropicUrl(call, '/v1/messages'), headers, body: JSON.stringify(body) };
}

/** `path` (`/v1/...`) under the provider's base URL, which may or may not end in `/v1`. */
export function anthropicUrl(call: Pick<UpstreamCall, 'provider'>, path: string): string {
  const base = baseUrlOf(call, ANTHROPIC_BASE_URL);
  return `${base.endsWith('/v1') ? base.slice(0, -3) : base}${path}`;
}

function toAnthropicToolChoice(choice: unknown, parallel: unknown): Block | null {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null || choice === 'auto') return parallel === false ? { type: 'auto', ...noParallel } : null;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...noParallel };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (typeof name === 'string') return { type: 'tool', name, ...noParallel };
  throw invalidRequest('Invalid tool_choice.', 'tool_choice', 'invalid_value');
}

function textBlocks(message: ChatMessage, index: number): Block[] {
  if (message.content == null || message.content === '') return [];
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content }];
  return message.content.map((part, partIndex) => {
    if (part.type !== 'text')
      throw unsupportedParameter('anthropic', `messages[${index}].content[${partIndex}]`, `Content part \`${part.type}\` in a ${message.role} message`);
    return { type: 'text', text: String(part.text ?? '') };
  });
}

function contentBlocks(message: ChatMessage, index: number): Block[] {
  if (typeof message.content === 'string' || message.content == null) return textBlocks(message, index);
  return message.content.map((part, partIndex) => {
    if (part.type === 'text') return { type: 'text', text: String(part.text ?? '') };
    if (part.type === 'image_url') return imageBlock((part as { image_url?: { url?: string } }).image_url?.url, `messages[${index}].content[${partIndex}]`);
    throw unsupportedParameter('anthropic', `messages[${index}].content[${partIndex}]`, `Content part \`${part.type}\``);
  });
}

/** Data URLs become base64 sources, http(s) URLs url sources (Anthropic fetches them). */
function imageBlock(url: string | undefined, param: string): Block {
  const data = url?.match(/^data:([^;,]+);base64,(.*)$/s);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  if (url && /^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalidRequest('image_url must be a data: or http(s) URL.', param, 'invalid_value');
}

function toolUseBlocks(message: ChatMessage, index: number): Block[] {
  return (message.tool_calls ?? []).map((toolCall, callIndex) => {
    const { id, function: fn } = toolCall as { id?: string; function?: { name?: string; arguments?: string } };
    let input: unknown = {};
    try {
      input = fn?.arguments ? JSON.parse(fn.arguments) : {};
    } catch {
      throw invalidRequest('Tool call arguments must be JSON.', `messages[${index}].tool_calls[${callIndex}].function.arguments`, 'invalid_value');
    }
    return { type: 'tool_use', id, name: fn?.name, input };
  });
}

function toolResultBlock(message: ChatMessage, index: number): Block {
  if (!message.tool_call_id) throw invalidRequest('A tool message needs tool_call_id.', `messages[${index}].tool_call_id`, 'missing_required_parameter');
  const content = typeof message.content === 'string' ? message.content : textBlocks(message, index);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}
