import type { ProviderAdapter } from '../adapter.ts';
import { guardStream, readBodyText, sendUpstream } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { toCohereEmbedRequest, toCohereRequest } from './map-request.ts';
import { toCompletionResult, toEmbeddingResult } from './map-response.ts';
import { toStreamEvents } from './map-stream.ts';

/**
 * `cohere`: Cohere's v2 API, translated both ways: Chat (`/v2/chat`, streamed as typed SSE
 * events) and Embed (`/v2/embed`, float vectors). Usage is Cohere's `billed_units`. No legacy
 * completions (the route answers 400).
 */
export function createCohereAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  const { agents } = options;
  return {
    async complete(call) {
      const response = await sendUpstream(agents, call, toCohereRequest(call, false));
      return toCompletionResult(response.statusCode, await readBodyText(response, call), call.provider.name, call.upstreamModel);
    },

    async stream(call) {
      const response = await sendUpstream(agents, call, toCohereRequest(call, true));
      const context = { providerName: call.provider.name, status: response.statusCode, credential: call.provider.credential };
      return { status: response.statusCode, events: guardStream(response, call, (body) => toStreamEvents(body, context, call.upstreamModel)) };
    },

    async embed(call) {
      const response = await sendUpstream(agents, call, toCohereEmbedRequest(call));
      return toEmbeddingResult(response.statusCode, await readBodyText(response, call), call.provider.name, call.upstreamModel);
    },
  };
}
