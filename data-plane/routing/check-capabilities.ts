import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import type { CompiledModel } from '../snapshot/compiled-snapshot.ts';

/** Refuses (400) a request that needs something the model cannot do, before any upstream call. */
export function checkCapabilities(model: CompiledModel, request: ChatCompletionRequest): void {
  const { capabilities, name } = model.model;
  if (request.stream === true && !capabilities.streaming) {
    throw invalidRequest(`The model \`${name}\` does not support streaming.`, 'stream', 'unsupported_capability');
  }
  if (request.tools && request.tools.length > 0 && !capabilities.tools) {
    throw invalidRequest(`The model \`${name}\` does not support tools.`, 'tools', 'unsupported_capability');
  }
}

/** The same check as a yes/no, for fallback models: one that cannot serve the request is skipped. */
export function supportsRequest(model: CompiledModel, request: ChatCompletionRequest): boolean {
  const { capabilities } = model.model;
  if (request.stream === true && !capabilities.streaming) return false;
  return !(request.tools && request.tools.length > 0 && !capabilities.tools);
}
