import type { ChatCompletionRequest, ChatMessage } from '../../../shared/openai/chat-request.ts';
import { invalidRequest } from '../../errors/client-errors.ts';
import { IGNORED_FIELDS, type ResponsesItem, ResponsesRequest } from './responses-request.ts';

/** What this translation serves (the schema's fields) and accepts without sending (IGNORED_FIELDS). */
const SUPPORTED = new Set<string>([...Object.keys(ResponsesRequest.shape), ...IGNORED_FIELDS]);

const unsupported = (param: string, what: string) =>
  invalidRequest(`${what} is not supported by this gateway's /v1/responses.`, param, 'unsupported_parameter');

/**
 * Responses API -> chat completions (docs/providers.md, "The /v1/responses ingress"):
 * `instructions` becomes the first system message; `input` a user message, or its items
 * messages (`input_text`/`output_text` parts as text, `input_image` as image_url),
 * `function_call` items an assistant's `tool_calls`, `function_call_output` items `tool`
 * messages; function tools chat function tools; `tool_choice` likewise; `max_output_tokens`
 * `max_completion_tokens`; `text.format` `response_format`; `reasoning.effort`
 * `reasoning_effort`; `safety_identifier` (or `user`) `user`. Stateful features (`store: true`,
 * `previous_response_id`, `conversation`, `background`), built-in tools and unknown fields are
 * refused with 400: Tollgate keeps no responses.
 */
export function responsesToChat(request: ResponsesRequest): ChatCompletionRequest {
  for (const field of Object.keys(request)) if (!SUPPORTED.has(field)) throw unsupported(field, `\`${field}\``);
  if (request.store === true)
    throw invalidRequest(
      '`store: true` is not supported: Tollgate is stateless and keeps no responses. Send `store: false` (or leave it out) and pass the conversation as `input` items.',
      'store',
      'unsupported_parameter',
    );
  if (request.previous_response_id)
    throw invalidRequest(
      '`previous_response_id` is not supported: Tollgate is stateless and keeps no responses. Pass the earlier turns as `input` items.',
      'previous_response_id',
      'unsupported_parameter',
    );
  const include = (request as { include?: unknown }).include;
  if (Array.isArray(include) && include.length > 0) throw unsupported('include', '`include`');

  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') messages.push({ role: 'user', content: request.input });
  else request.input.forEach((item, index) => addItem(messages, item, `input[${index}]`));
  if (messages.length === 0) throw invalidRequest('`input` is empty.', 'input', 'invalid_value');

  const chat: ChatCompletionRequest = { model: request.model, messages };
  if (request.stream === true) chat.stream = true;
  if (request.max_output_tokens != null) chat.max_completion_tokens = request.max_output_tokens;
  if (request.temperature != null) chat.temperature = request.temperature;
  if (request.top_p != null) chat.top_p = request.top_p;
  const user = request.safety_identifier ?? request.user;
  if (user) chat.user = user;
  // For the usage events' tags and metadata (request-tags.ts); never sent upstream without `store`.
  if (request.metadata) chat.metadata = request.metadata;
  if (request.parallel_tool_calls != null && request.tools?.length) chat.parallel_tool_calls = request.parallel_tool_calls;
  if (request.reasoning?.effort) chat.reasoning_effort = request.reasoning.effort;
  if (request.tools && request.tools.length > 0) {
    chat.tools = request.tools.map((tool, index) => {
      if (tool.type !== 'function') throw unsupported(`tools[${index}].type`, `The built-in tool \`${tool.type}\``);
      const { name, description, parameters, strict } = tool as { name?: unknown; description?: unknown; parameters?: unknown; strict?: unknown };
      if (typeof name !== 'string' || !name) throw invalidRequest('A function tool needs a name.', `tools[${index}].name`, 'missing_required_parameter');
      return {
        type: 'function',
        function: {
          name,
          ...(description ? { description } : {}),
          parameters: parameters ?? { type: 'object', properties: {} },
          ...(strict != null ? { strict } : {}),
        },
      };
    });
  }
  const choice = request.tool_choice;
  if (typeof choice === 'string') chat.tool_choice = choice;
  else if (choice) {
    const name = (choice as { name?: unknown }).name;
    if (choice.type !== 'function' || typeof name !== 'string') throw unsupported('tool_choice', `tool_choice \`${choice.type}\``);
    chat.tool_choice = { type: 'function', function: { name } };
  }
  const format = request.text?.format;
  if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  else if (format?.type === 'json_schema') {
    const { name, schema, strict, description } = format as { name?: unknown; schema?: unknown; strict?: unknown; description?: unknown };
    if (typeof name !== 'string' || schema === undefined)
      throw invalidRequest('`text.format` of type `json_schema` needs `name` and `schema`.', 'text.format', 'missing_required_parameter');
    chat.response_format = {
      type: 'json_schema',
      json_schema: { name, schema, ...(strict != null ? { strict } : {}), ...(description ? { description } : {}) },
    };
  }
  return chat;
}

function addItem(messages: ChatMessage[], item: ResponsesItem, param: string): void {
  const type = item.type ?? 'message';
  if (type === 'message') {
    const role = item.role;
    if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer')
      throw invalidRequest(`Invalid role \`${String(role)}\`.`, `${param}.role`, 'invalid_value');
    messages.push({ role, content: content(item.content, `${param}.content`) });
    return;
  }
  if (type === 'function_call') {
    const { call_id, name, arguments: args } = item as { call_id?: unknown; name?: unknown; arguments?: unknown };
    if (typeof call_id !== 'string' || typeof name !== 'string')
      throw invalidRequest('A function_call item needs call_id and name.', param, 'missing_required_parameter');
    const call = { id: call_id, type: 'function', function: { name, arguments: typeof args === 'string' ? args : '{}' } };
    // Parallel calls of one turn are consecutive items: one assistant message carries them all.
    const last = messages.at(-1);
    if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
    else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    return;
  }
  if (type === 'function_call_output') {
    const { call_id, output } = item as { call_id?: unknown; output?: unknown };
    if (typeof call_id !== 'string') throw invalidRequest('A function_call_output item needs call_id.', `${param}.call_id`, 'missing_required_parameter');
    messages.push({ role: 'tool', tool_call_id: call_id, content: typeof output === 'string' ? output : textOf(output, `${param}.output`) });
    return;
  }
  // Reasoning items are the model's own notes from an earlier turn: a chat upstream has no slot for them.
  if (type === 'reasoning') return;
  throw unsupported(`${param}.type`, `The input item type \`${type}\``);
}

function content(value: unknown, param: string): ChatMessage['content'] {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalidRequest('Message content must be a string or an array of parts.', param, 'invalid_value');
  const parts = value.map((part: { type?: string; text?: unknown; image_url?: unknown; detail?: unknown } | null, index) => {
    if (part === null || typeof part !== 'object')
      throw invalidRequest('A content part must be an object with a `type`.', `${param}[${index}]`, 'invalid_value');
    if (part.type === 'input_text' || part.type === 'output_text') return { type: 'text', text: String(part.text ?? '') };
    if (part.type === 'input_image' && typeof part.image_url === 'string')
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
    throw unsupported(`${param}[${index}]`, `The content part \`${String(part.type)}\``);
  });
  return parts.every((part) => part.type === 'text') ? parts.map((part) => (part as { text: string }).text).join('') : parts;
}

function textOf(value: unknown, param: string): string {
  const parts = content(value, param);
  return typeof parts === 'string' ? parts : '';
}
