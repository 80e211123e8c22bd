import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { CompiledModel } from '../snapshot/compiled-snapshot.ts';

/**
 * The 400 for a chat request that needs something the model cannot do (streaming, tools), or
 * null. The requested model's gap is answered before any upstream call; a fallback model with
 * one is skipped.
 */
export function chatCapabilityGap(model: CompiledModel, request: ChatCompletionRequest): GatewayError | null {
  const { capabilities, name } = model.model;
  if (request.stream === true && !capabilities.streaming) {
    return invalidRequest(`The model \`${name}\` does not support streaming.`, 'stream', 'unsupported_capability');
  }
  if (request.tools && request.tools.length > 0 && !capabilities.tools) {
    return invalidRequest(`The model \`${name}\` does not support tools.`, 'tools', 'unsupported_capability');
  }
  return null;
}

/** The same for `/v1/embeddings`: the model must have the `embeddings` capability. */
export function embeddingsCapabilityGap(model: CompiledModel): GatewayError | null {
  if (model.model.capabilities.embeddings) return null;
  return invalidRequest(`The model \`${model.model.name}\` does not support embeddings.`, 'model', 'unsupported_capability');
}
