import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { EmbeddingRequest } from '../../shared/openai/embeddings.ts';
import type { TextCompletionRequest } from '../../shared/openai/text-completion.ts';
import { CHAT_COMPLETION_PARAMETERS, EMBEDDING_PARAMETERS, TEXT_COMPLETION_PARAMETERS } from './openai-parameters.ts';
import { chatCompletionSchema, embeddingSchema, textCompletionSchema } from './request-schemas.ts';
import { createRequestValidator } from './request-validator.ts';

/** One validator per endpoint, compiled when the data plane loads. */
export const chatCompletionValidator = createRequestValidator<ChatCompletionRequest>(chatCompletionSchema, CHAT_COMPLETION_PARAMETERS);
export const textCompletionValidator = createRequestValidator<TextCompletionRequest>(textCompletionSchema, TEXT_COMPLETION_PARAMETERS);
export const embeddingValidator = createRequestValidator<EmbeddingRequest>(embeddingSchema, EMBEDDING_PARAMETERS);
