import type { ChatCompletionRequest, ChatMessage } from '../../shared/openai/chat-request.ts';

/** Rewrites a text (masking, a webhook's replacement); called once per text, in order. */
export type TextMap = (text: string) => string;

/** A message's content with every text (a string content, `text` parts) passed through `map`. */
export function mapContentText<T>(content: T, map: TextMap): T {
  if (typeof content === 'string') return map(content) as T;
  if (!Array.isArray(content)) return content;
  return content.map((part) => {
    const text = (part as { type?: unknown; text?: unknown }).text;
    return typeof text === 'string' && (part as { type?: unknown }).type === 'text' ? { ...part, text: map(text) } : part;
  }) as T;
}

/** A chat request with the text of every message passed through `map`; tools and other fields untouched. */
export function mapChatText(request: ChatCompletionRequest, map: TextMap): ChatCompletionRequest {
  return { ...request, messages: request.messages.map((message) => ({ ...message, content: mapContentText(message.content, map) }) as ChatMessage) };
}

/** Whether any message carries an image part (`image_url`, as every ingress's chat form has it). */
export function hasImages(messages: readonly ChatMessage[]): boolean {
  return messages.some((message) => Array.isArray(message.content) && message.content.some((part) => (part as { type?: unknown }).type === 'image_url'));
}
