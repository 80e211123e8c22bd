import type { ChatCompletionRequest, ChatMessage } from '../../../shared/openai/chat-request.ts';
import { invalidRequest } from '../../errors/client-errors.ts';
import type { UpstreamCall } from '../adapter.ts';
import { refuseMultipleAnswersAndJsonMode, toAlternatingTurns } from '../alternating-turns.ts';
import { baseUrlOf, type WireRequest } from '../http-call.ts';
import { unsupportedParameter } from '../unsupported-parameter.ts';

type Block = Record<string, unknown>;

const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** `https://bedrock-runtime.{region}.amazonaws.com`, or the provider's base URL (a VPC endpoint, a proxy). */
export function bedrockUrl(call: Pick<UpstreamCall, 'provider' | 'upstreamModel'>, region: string, operation: 'converse' | 'converse-stream'): string {
  const base = baseUrlOf(call, `https://bedrock-runtime.${region}.amazonaws.com`);
  // Model ids and inference-profile ARNs carry `:` and `/`: one path segment, percent-encoded.
  return `${base}/model/${encodeURIComponent(call.upstreamModel)}/${operation}`;
}

/**
 * An OpenAI chat request as a Bedrock Converse (or ConverseStream) request: system and developer
 * messages become `system`, tool results `toolResult` blocks of a user turn, assistant tool calls
 * `toolUse` blocks, sampling parameters `inferenceConfig`, tools `toolConfig`; consecutive turns
 * of one role are merged (Converse wants them alternating). What Converse cannot do (n > 1, JSON
 * mode, logprobs, tool_choice `none`, images by URL) is refused with 400 before any I/O. The
 * request is not yet signed (credential.ts).
 */
export function toConverseRequest(call: UpstreamCall, region: string, stream: boolean): WireRequest {
  const request = call.request as ChatCompletionRequest & Record<string, any>;
  refuseMultipleAnswersAndJsonMode('bedrock', request);
  const { system, turns: messages } = toAlternatingTurns<Block>(request.messages, {
    text: textBlocks,
    user: contentBlocks,
    toolUses: toolUseBlocks,
    toolResult: toolResultBlock,
  });

  const body: Record<string, unknown> = { messages };
  if (system.length > 0) body.system = system;
  const inference: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) inference.maxTokens = maxTokens;
  if (request.temperature != null) inference.temperature = request.temperature;
  if (request.top_p != null) inference.topP = request.top_p;
  if (request.stop != null) inference.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  if (request.tools && request.tools.length > 0) {
    const tools = request.tools.map((tool, index) => {
      if (tool.type !== 'function') throw unsupportedParameter('bedrock', `tools[${index}].type`, `Tool type \`${tool.type}\``);
      const fn = (tool as { function?: { name?: string; description?: string; parameters?: object } }).function;
      if (!fn?.name) throw invalidRequest('A function tool needs a name.', `tools[${index}].function.name`);
      return {
        toolSpec: {
          name: fn.name,
          ...(fn.description ? { description: fn.description } : {}),
          inputSchema: { json: fn.parameters ?? { type: 'object', properties: {} } },
        },
      };
    });
    const toolChoice = toConverseToolChoice(request.tool_choice);
    body.toolConfig = toolChoice ? { tools, toolChoice } : { tools };
  }

  const headers = { 'content-type': 'application/json', accept: stream ? 'application/vnd.amazon.eventstream' : 'application/json' };
  return { url: bedrockUrl(call, region, stream ? 'converse-stream' : 'converse'), headers, body: JSON.stringify(body) };
}

function toConverseToolChoice(choice: unknown): Block | null {
  if (choice === undefined || choice === null || choice === 'auto') return null;
  if (choice === 'none') throw unsupportedParameter('bedrock', 'tool_choice', 'tool_choice `none`');
  if (choice === 'required') return { any: {} };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (typeof name === 'string') return { tool: { name } };
  throw invalidRequest('Invalid tool_choice.', 'tool_choice', 'invalid_value');
}

function textBlocks(message: ChatMessage, index: number): Block[] {
  if (message.content == null || message.content === '') return [];
  if (typeof message.content === 'string') return [{ text: message.content }];
  return message.content.map((part, partIndex) => {
    if (part.type !== 'text')
      throw unsupportedParameter('bedrock', `messages[${index}].content[${partIndex}]`, `Content part \`${part.type}\` in a ${message.role} message`);
    return { text: String(part.text ?? '') };
  });
}

function contentBlocks(message: ChatMessage, index: number): Block[] {
  if (typeof message.content === 'string' || message.content == null) return textBlocks(message, index);
  return message.content.map((part, partIndex) => {
    const param = `messages[${index}].content[${partIndex}]`;
    if (part.type === 'text') return { text: String(part.text ?? '') };
    if (part.type !== 'image_url') throw unsupportedParameter('bedrock', param, `Content part \`${part.type}\``);
    // Converse takes image bytes (or S3 locations), never a URL it would fetch.
    const url = (part as { image_url?: { url?: string } }).image_url?.url;
    const data = url?.match(/^data:([^;,]+);base64,(.*)$/s);
    const format = data ? IMAGE_FORMATS[data[1]] : undefined;
    if (!data || !format) throw unsupportedParameter('bedrock', param, 'An image_url other than a PNG, JPEG, GIF or WebP data: URL');
    return { image: { format, source: { bytes: data[2] } } };
  });
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
    return { toolUse: { toolUseId: id, name: fn?.name, input } };
  });
}

function toolResultBlock(message: ChatMessage, index: number): Block {
  if (!message.tool_call_id) throw invalidRequest('A tool message needs tool_call_id.', `messages[${index}].tool_call_id`, 'missing_required_parameter');
  const content = textBlocks(message, index);
  return { toolResult: { toolUseId: message.tool_call_id, content: content.length > 0 ? content : [{ text: '' }] } };
}
