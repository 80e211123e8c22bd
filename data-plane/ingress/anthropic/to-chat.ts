import type { ChatCompletionRequest, ChatMessage } from '../../../shared/openai/chat-request.ts';
import { invalidRequest } from '../../errors/client-errors.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { checkEndUser } from '../../request/request-tags.ts';
import type { AnthropicBlock, CountTokensRequest, MessagesRequest } from './messages-request.ts';

/** A Messages request in chat terms, and what of it only a native Anthropic deployment can serve. */
export interface TranslatedMessages {
  chat: ChatCompletionRequest;
  /**
   * The first feature that has no chat equivalent (a document block, a server tool...): the 400
   * a translated attempt answers with. Null when the request translates whole. Native Anthropic
   * deployments take the request as it is, so the gateway only refuses it for the others.
   */
  untranslatable: GatewayError | null;
}

/**
 * Anthropic Messages -> OpenAI chat (see docs/providers.md, "The /v1/messages ingress"):
 * `system` becomes the first system message; `text` and `image` blocks content parts;
 * `tool_use` blocks an assistant's `tool_calls`; `tool_result` blocks `tool` messages (placed
 * before the rest of their user turn); tools become function tools; `tool_choice`
 * `auto`/`any`/`tool`/`none` become `auto`/`required`/a named function/`none`;
 * `disable_parallel_tool_use` becomes `parallel_tool_calls: false`; `stop_sequences` `stop`;
 * `metadata.user_id` `user`. Thinking blocks and `thinking`, `cache_control` and `top_k` are
 * hints a chat upstream has no field for: dropped. Documents, citations, server tools and
 * server tool blocks are refused (400) for a translated attempt.
 */
export function messagesToChat(request: MessagesRequest | CountTokensRequest): TranslatedMessages {
  let untranslatable: GatewayError | null = null;
  const refuse = (param: string, what: string) => {
    untranslatable ??= invalidRequest(`${what} is only supported when the model is served by an Anthropic deployment.`, param, 'unsupported_parameter');
  };

  const messages: ChatMessage[] = [];
  const system =
    typeof request.system === 'string' ? request.system : (request.system ?? []).map((block, index) => textOf(block, `system[${index}]`, refuse)).join('\n');
  if (system) messages.push({ role: 'system', content: system });

  request.messages.forEach((message, index) => {
    const blocks: AnthropicBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const at = (blockIndex: number) => `messages[${index}].content[${blockIndex}]`;
    if (message.role === 'assistant') {
      let text = '';
      const toolCalls: Record<string, unknown>[] = [];
      blocks.forEach((block, blockIndex) => {
        if (block.type === 'text') text += String(block.text ?? '');
        else if (block.type === 'tool_use')
          toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } });
        else if (block.type === 'thinking' || block.type === 'redacted_thinking') return;
        else refuse(at(blockIndex), `A \`${block.type}\` block`);
      });
      messages.push({
        role: 'assistant',
        content: text === '' && toolCalls.length > 0 ? null : text,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      });
      return;
    }
    // A user turn: its tool results answer the previous assistant turn's calls, so they go first.
    const parts: object[] = [];
    blocks.forEach((block, blockIndex) => {
      if (block.type === 'tool_result')
        messages.push({ role: 'tool', tool_call_id: String(block.tool_use_id), content: toolResultText(block, at(blockIndex), refuse) });
      else if (block.type === 'text') parts.push({ type: 'text', text: String(block.text ?? '') });
      else if (block.type === 'image') parts.push(imagePart(block, at(blockIndex), refuse));
      else refuse(at(blockIndex), `A \`${block.type}\` block`);
    });
    if (parts.length > 0) {
      const onlyText = parts.every((part) => (part as { type: string }).type === 'text');
      messages.push({ role: 'user', content: onlyText ? parts.map((part) => (part as { text: string }).text).join('') : (parts as ChatMessage['content']) });
    }
  });

  const chat: ChatCompletionRequest = { model: request.model, messages };
  if ('max_tokens' in request && typeof request.max_tokens === 'number') chat.max_tokens = request.max_tokens;
  if ('stream' in request && request.stream === true) chat.stream = true;
  if (request.temperature !== undefined) chat.temperature = request.temperature;
  if (request.top_p !== undefined) chat.top_p = request.top_p;
  if (request.stop_sequences && request.stop_sequences.length > 0) chat.stop = request.stop_sequences;
  if (request.metadata?.user_id) {
    checkEndUser(request.metadata.user_id, 'metadata.user_id');
    chat.user = request.metadata.user_id;
  }
  if (request.tools && request.tools.length > 0) {
    chat.tools = request.tools.map((tool, index) => {
      if (tool.type !== undefined && tool.type !== 'custom') refuse(`tools[${index}]`, `The server tool \`${tool.type}\``);
      return {
        type: 'function',
        function: {
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          parameters: tool.input_schema ?? { type: 'object', properties: {} },
        },
      };
    });
  }
  const choice = request.tool_choice;
  if (choice) {
    if (choice.type === 'auto') chat.tool_choice = 'auto';
    else if (choice.type === 'any') chat.tool_choice = 'required';
    else if (choice.type === 'none') chat.tool_choice = 'none';
    else if (choice.name) chat.tool_choice = { type: 'function', function: { name: choice.name } };
    else throw invalidRequest('tool_choice of type `tool` needs a name.', 'tool_choice.name', 'missing_required_parameter');
    if (choice.disable_parallel_tool_use === true && chat.tools) chat.parallel_tool_calls = false;
  }
  return { chat, untranslatable };
}

function textOf(block: AnthropicBlock, param: string, refuse: (param: string, what: string) => void): string {
  if (block.type === 'text') return String(block.text ?? '');
  refuse(param, `A \`${block.type}\` block`);
  return '';
}

function toolResultText(block: AnthropicBlock, param: string, refuse: (param: string, what: string) => void): string {
  const content = block.content;
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((part, index) => textOf(part as AnthropicBlock, `${param}.content[${index}]`, refuse)).join('')
        : '';
  // Chat has no error flag on a tool result: the model reads it in the text.
  return block.is_error === true ? `Error: ${text}` : text;
}

function imagePart(block: AnthropicBlock, param: string, refuse: (param: string, what: string) => void): object {
  const source = (block.source ?? {}) as { type?: string; media_type?: string; data?: string; url?: string };
  if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  refuse(`${param}.source`, `An image source of type \`${String(source.type)}\``);
  return { type: 'text', text: '' };
}
