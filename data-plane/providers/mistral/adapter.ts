import type { ProviderAdapter } from '../adapter.ts';
import { guardStream, readBodyText, sendUpstream } from '../http-call.ts';
import { toCompletionResult, toEmbeddingResult } from '../openai-compatible/map-response.ts';
import { toStreamEvents } from '../openai-compatible/map-stream.ts';
import { unsupportedParameter } from '../unsupported-parameter.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { toMistralEmbeddingRequest, toMistralRequest } from './map-request.ts';

/**
 * `mistral`: Mistral's native API (La Plateforme). Requests are renamed where Mistral differs
 * (map-request.ts); answers, streams (usage in the last content chunk, then `[DONE]`) and
 * embeddings are OpenAI's shapes, read by the OpenAI mapping. Error bodies put the message at
 * the top level (`{"message": ...}`), which the shared error reader accepts.
 */
export function createMistralAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  const { agents } = options;
  return {
    async complete(call) {
      const response = await sendUpstream(agents, call, toMistralRequest(call, false));
      return toCompletionResult(response.statusCode, await readBodyText(response, call), call.provider.name);
    },

    async stream(call) {
      const response = await sendUpstream(agents, call, toMistralRequest(call, true));
      const context = { providerName: call.provider.name, status: response.statusCode, credential: call.provider.credential };
      return { status: response.statusCode, events: guardStream(response, call, (body) => toStreamEvents(body, context)) };
    },

    async embed(call) {
      if (call.request.encoding_format === 'base64') throw unsupportedParameter('mistral', 'encoding_format', 'encoding_format "base64"');
      if (call.request.dimensions != null) throw unsupportedParameter('mistral', 'dimensions', 'dimensions');
      const response = await sendUpstream(agents, call, toMistralEmbeddingRequest(call));
      return toEmbeddingResult(response.statusCode, await readBodyText(response, call), call.provider.name);
    },
  };
}
