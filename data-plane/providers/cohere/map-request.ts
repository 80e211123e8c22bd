import type { ChatCompletionRequest, ChatMessage } from '../../../shared/openai/chat-request.ts';
import type { EmbeddingRequest } from '../../../shared/openai/embeddings.ts';
import { invalidRequest } from '../../errors/client-errors.ts';
import type { EmbeddingCall, UpstreamCall } from '../adapter.ts';
import { baseUrlOf, type WireRequest } from '../http-call.ts';
import { unsupportedParameter } from '../unsupported-parameter.ts';

export const COHERE_BASE_URL = 'https://api.cohere.com';

/**
 * An OpenAI chat request as Cohere's v2 Chat API request (`POST {baseUrl}/v2/chat`, bearer key).
 * v2 is close to OpenAI: the same roles (developer becomes system), `tool_calls` on assistant
 * turns, `tool` turns with `tool_call_id`, tools in OpenAI's function form. Renamed: `top_p` ->
 * `p`, `stop` -> `stop_sequences`, `tool_choice` `"required"`/`"none"` -> `"REQUIRED"`/`"NONE"`.
 * What v2 cannot do (n > 1, logprobs, a forced named tool, a JSON schema `strict` flag aside) is
 * refused with 400 before any I/O.
 */
export function toCohereRequest(call: UpstreamCall, stream: boolean): WireRequest {
  const request = call.request as ChatCompletionRequest & Record<string, any>;
  if (request.n != null && request.n > 1) throw unsupportedParameter('cohere', 'n', '`n` greater than 1');
  if (request.logprobs === true) throw unsupportedParameter('cohere', 'logprobs', '`logprobs`');
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    messages: request.messages.map(toCohereMessage),
    stream,
  };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) body.max_tokens = maxTokens;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.p = request.top_p;
  if (request.stop != null) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.seed != null) body.seed = request.seed;
  if (request.frequency_penalty != null) body.frequency_penalty = request.frequency_penalty;
  if (request.presence_penalty != null) body.presence_penalty = request.presence_penalty;
  if (request.tools?.length) body.tools = request.tools;
  if (request.tool_choice != null && request.tool_choice !== 'auto') {
    if (request.tool_choice === 'required' || request.tool_choice === 'none') body.tool_choice = request.tool_choice.toUpperCase();
    else throw unsupportedParameter('cohere', 'tool_choice', 'a forced named tool_choice');
  }
  if (request.response_format?.type === 'json_object') body.response_format = { type: 'json_object' };
  else if (request.response_format?.type === 'json_schema')
    body.response_format = { type: 'json_object', json_schema: request.response_format.json_schema?.schema };
  return { url: `${baseUrlOf(call, COHERE_BASE_URL)}/v2/chat`, headers: headersFor(call, stream), body: JSON.stringify(body) };
}

function toCohereMessage(message: ChatMessage, index: number): Record<string, unknown> {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(message, index) };
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? message.content : (message.content ?? []).map((part, p) => userPart(part, index, p)),
      };
    case 'assistant': {
      const out: Record<string, unknown> = { role: 'assistant' };
      const text = textOf(message, index);
      if (message.tool_calls?.length) {
        out.tool_calls = message.tool_calls;
        // v2 carries the model's reasoning before tool calls as tool_plan; an assistant text is that.
        if (text) out.tool_plan = text;
      } else out.content = text;
      return out;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: textOf(message, index) };
    default:
      throw invalidRequest('The `function` role is deprecated; use `tool`.', `messages[${index}].role`, 'unsupported_parameter');
  }
}

function textOf(message: ChatMessage, index: number): string {
  if (typeof message.content === 'string' || message.content == null) return message.content ?? '';
  return message.content
    .map((part, p) => {
      if (part.type !== 'text') throw unsupportedParameter('cohere', `messages[${index}].content[${p}]`, `a ${part.type} part in a ${message.role} message`);
      return String((part as { text?: unknown }).text ?? '');
    })
    .join('');
}

function userPart(part: { type: string } & Record<string, unknown>, index: number, p: number) {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image_url') return { type: 'image_url', image_url: part.image_url };
  throw unsupportedParameter('cohere', `messages[${index}].content[${p}]`, `a ${part.type} part`);
}

/**
 * `POST {baseUrl}/v2/embed`: texts, one float vector each. v3+ models need an `input_type`;
 * OpenAI has none, so `search_document` unless the client passed Cohere's own `input_type`.
 */
export function toCohereEmbedRequest(call: EmbeddingCall): WireRequest {
  const request = call.request as EmbeddingRequest & Record<string, unknown>;
  if (request.encoding_format === 'base64') throw unsupportedParameter('cohere', 'encoding_format', 'encoding_format "base64"');
  const input = request.input;
  if (!Array.isArray(input) ? typeof input !== 'string' : input.some((item) => typeof item !== 'string')) {
    throw unsupportedParameter('cohere', 'input', 'token arrays as input');
  }
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    texts: typeof input === 'string' ? [input] : input,
    input_type: typeof request.input_type === 'string' ? request.input_type : 'search_document',
    embedding_types: ['float'],
  };
  if (request.dimensions != null) body.output_dimension = request.dimensions;
  return { url: `${baseUrlOf(call, COHERE_BASE_URL)}/v2/embed`, headers: headersFor(call, false), body: JSON.stringify(body) };
}

function headersFor(call: Pick<UpstreamCall, 'provider' | 'requestId'>, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' };
  if (call.provider.credential !== null) headers.authorization = `Bearer ${call.provider.credential}`;
  if (call.requestId) headers['x-request-id'] = call.requestId;
  return headers;
}
