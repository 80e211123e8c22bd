import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { type PromptSize, REPLY_PRIMING_TOKENS } from '../request/prompt-size.ts';
import type { CompiledModel } from '../snapshot/compiled-snapshot.ts';

/** Output tokens the request reserves in the window. */
function outputReserve(request: ChatCompletionRequest): number {
  return request.max_completion_tokens ?? request.max_tokens ?? 0;
}

/** Null when the prompt (plus the requested output) fits the model's window; else the 400. */
export function checkContextWindow(model: CompiledModel, prompt: PromptSize, request: ChatCompletionRequest): GatewayError | null {
  const window = model.model.contextWindow;
  if (window === null) return null;
  const budget = window - outputReserve(request);
  // A prompt whose JSON bytes fit needs no tokenizing at all (most requests against large windows).
  if (prompt.bytes() + REPLY_PRIMING_TOKENS <= budget) return null;
  const tokens = prompt.tokens();
  if (tokens <= budget) return null;
  const reserve = outputReserve(request);
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'context_length_exceeded',
    param: 'messages',
    message:
      `This model's maximum context length is ${window} tokens. However, your messages resulted in ${tokens} tokens` +
      (reserve > 0 ? ` and ${reserve} tokens are requested for the completion.` : '.') +
      ' Please reduce the length of the messages.',
  });
}
