import { EmbeddingRequest, embeddingInputs } from '../../shared/openai/embeddings.ts';
import { invalidRequest } from '../errors/client-errors.ts';
import type { RouteHandler } from '../http/router.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { endpointNotSupported, singleAttempt, type SingleAttemptDeps } from './single-attempt.ts';

/**
 * `POST /v1/embeddings`: for models with the `embeddings` capability, on providers whose adapter
 * embeds (openai, openai-compatible, azure-openai, gemini, mock). One usage event per attempt,
 * completion tokens 0.
 */
export function embeddingsRoute(deps: SingleAttemptDeps): RouteHandler {
  return async (exchange) => {
    const request = parseJsonBody(exchange.body, EmbeddingRequest);
    const { texts } = embeddingInputs(request.input);
    await singleAttempt(
      exchange,
      deps,
      // Embeddings produce no output tokens: nothing to reserve beyond the input.
      { ...request, max_tokens: 0 },
      texts.map((text) => ({ role: 'user' as const, content: text })),
      (model, adapter, target) => {
        if (!model.model.capabilities.embeddings) {
          throw invalidRequest(`The model \`${model.model.name}\` does not support embeddings.`, 'model', 'unsupported_capability');
        }
        if (!adapter.embed) throw endpointNotSupported('/v1/embeddings', model.model.name, target.provider.kind);
      },
      async ({ adapter, target, meter }) => {
        const result = await adapter.embed!({ request, upstreamModel: target.deployment.upstreamModel, provider: target.provider, signal: exchange.signal });
        meter.answered(result.status);
        if (result.usage) meter.reportUsage(result.usage);
        exchange.sendJson(200, result.response);
      },
    );
  };
}
