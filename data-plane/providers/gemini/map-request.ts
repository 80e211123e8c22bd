import type { ChatCompletionRequest, ChatMessage } from '../../../shared/openai/chat-request.ts';
import { invalidRequest } from '../../errors/client-errors.ts';
import type { CompiledProvider } from '../../snapshot/compiled-snapshot.ts';
import type { UpstreamCall } from '../adapter.ts';
import { baseUrlOf, type WireRequest } from '../http-call.ts';
import { unsupportedParameter } from '../unsupported-parameter.ts';

const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

/** `{base}/v1beta/models/{model}:{method}`; a base URL that already names a version is kept. */
export function geminiUrl(call: Pick<UpstreamCall, 'provider' | 'upstreamModel'>, method: string): string {
  const base = baseUrlOf(call, GEMINI_BASE_URL);
  const versioned = /\/v\d+(?:alpha|beta)?\d*$/.test(base) ? base : `${base}/v1beta`;
  return `${versioned}/models/${encodeURIComponent(call.upstreamModel.replace(/^models\//, ''))}:${method}`;
}

export function geminiHeaders(provider: CompiledProvider, stream: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' };
  if (provider.credential !== null) headers['x-goog-api-key'] = provider.credential;
  return headers;
}

/**
 * An OpenAI chat request as a Gemini `generateContent` / `streamGenerateContent?alt=sse`
 * request: system and developer messages become `systemInstruction`, assistant turns `model`
 * turns with `functionCall` parts, tool results `functionResponse` parts; sampling options go to
 * `generationConfig` (n -> candidateCount, response_format -> responseMimeType and
 * responseJsonSchema), tools to `functionDeclarations` with their JSON schema as is.
 */
export function toGeminiRequest(call: UpstreamCall, stream: boolean): WireRequest {
  const request = call.request as ChatCompletionRequest & Record<string, any>;
  if (request.logprobs === true) throw unsupportedParameter('gemini', 'logprobs', '`logprobs`');
  const system: Part[] = [];
  const contents: Content[] = [];
  /** Gemini answers a function call by name; OpenAI by call id. */
  const toolNames = new Map<string, string>();
  const push = (role: Content['role'], parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  request.messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') system.push(...parts(message, index, false));
    else if (message.role === 'user') push('user', parts(message, index, true));
    else if (message.role === 'assistant') {
      const calls = (message.tool_calls ?? []).map((toolCall, callIndex) => {
        const { id, function: fn } = toolCall as { id?: string; function?: { name?: string; arguments?: string } };
        if (id && fn?.name) toolNames.set(id, fn.name);
        return { functionCall: { name: fn?.name, args: parseArguments(fn?.arguments, `messages[${index}].tool_calls[${callIndex}].function.arguments`) } };
      });
      push('model', [...parts(message, index, false), ...calls]);
    } else if (message.role === 'tool') {
      const name = toolNames.get(message.tool_call_id ?? '');
      if (!name)
        throw invalidRequest('A tool message must answer a tool call of an earlier assistant message.', `messages[${index}].tool_call_id`, 'invalid_value');
      push('user', [{ functionResponse: { name, response: toolResponse(message) } }]);
    } else throw invalidRequest('The `function` role is deprecated; use `tool`.', `messages[${index}].role`, 'unsupported_parameter');
  });

  const generationConfig: Record<string, unknown> = {};
  if (request.temperature != null) generationConfig.temperature = request.temperature;
  if (request.top_p != null) generationConfig.topP = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) generationConfig.maxOutputTokens = maxTokens;
  if (request.stop != null) generationConfig.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.n != null) generationConfig.candidateCount = request.n;
  if (request.seed != null) generationConfig.seed = request.seed;
  if (request.presence_penalty != null) generationConfig.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) generationConfig.frequencyPenalty = request.frequency_penalty;
  const format = request.response_format as { type?: string; json_schema?: { schema?: object } } | undefined;
  if (format?.type === 'json_object') generationConfig.responseMimeType = 'application/json';
  else if (format?.type === 'json_schema') {
    generationConfig.responseMimeType = 'application/json';
    if (format.json_schema?.schema) generationConfig.responseJsonSchema = format.json_schema.schema;
  } else if (format?.type && format.type !== 'text') throw unsupportedParameter('gemini', 'response_format', `response_format \`${format.type}\``);

  const body: Record<string, unknown> = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  if (request.tools && request.tools.length > 0) {
    const functionDeclarations = request.tools.map((tool, index) => {
      if (tool.type !== 'function') throw unsupportedParameter('gemini', `tools[${index}].type`, `Tool type \`${tool.type}\``);
      const fn = (tool as { function?: { name?: string; description?: string; parameters?: object } }).function;
      if (!fn?.name) throw invalidRequest('A function tool needs a name.', `tools[${index}].function.name`);
      return { name: fn.name, ...(fn.description ? { description: fn.description } : {}), ...(fn.parameters ? { parametersJsonSchema: fn.parameters } : {}) };
    });
    body.tools = [{ functionDeclarations }];
    const toolConfig = toToolConfig(request.tool_choice);
    if (toolConfig) body.toolConfig = toolConfig;
  }
  const url = stream ? `${geminiUrl(call, 'streamGenerateContent')}?alt=sse` : geminiUrl(call, 'generateContent');
  return { url, headers: geminiHeaders(call.provider, stream), body: JSON.stringify(body) };
}

function toToolConfig(choice: unknown): object | null {
  if (choice === undefined || choice === null || choice === 'auto') return null;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (typeof name === 'string') return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
  throw invalidRequest('Invalid tool_choice.', 'tool_choice', 'invalid_value');
}

function parts(message: ChatMessage, index: number, allowImages: boolean): Part[] {
  if (message.content == null || message.content === '') return [];
  if (typeof message.content === 'string') return [{ text: message.content }];
  return message.content.map((part, partIndex) => {
    const param = `messages[${index}].content[${partIndex}]`;
    if (part.type === 'text') return { text: String(part.text ?? '') };
    if (part.type === 'image_url' && allowImages) {
      const url = (part as { image_url?: { url?: string } }).image_url?.url;
      const data = url?.match(/^data:([^;,]+);base64,(.*)$/s);
      if (!data) throw unsupportedParameter('gemini', param, 'An image_url other than a data: URL');
      return { inlineData: { mimeType: data[1], data: data[2] } };
    }
    throw unsupportedParameter('gemini', param, `Content part \`${part.type}\` in a ${message.role} message`);
  });
}

function parseArguments(text: string | undefined, param: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw invalidRequest('Tool call arguments must be JSON.', param, 'invalid_value');
  }
}

/** Gemini wants an object: a JSON object result is passed as is, anything else wrapped. */
function toolResponse(message: ChatMessage): object {
  const text = typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => String(part.text ?? '')).join('');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // plain text
  }
  return { content: text };
}
