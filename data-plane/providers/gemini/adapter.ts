import type { ProviderAdapter } from '../adapter.ts';
import { guardStream, readBodyText, sendUpstream } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { toEmbeddingResult, toGeminiEmbedRequest } from './embed.ts';
import { toGeminiRequest } from './map-request.ts';
import { toCompletionResult } from './map-response.ts';
import { toStreamEvents } from './map-stream.ts';

/**
 * Gemini answers an invalid API key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID: for the
 * client that is the gateway's credential failing (502), not its own bad request.
 */
function effectiveStatus(status: number, body: string): number {
  return status === 400 && body.includes('"API_KEY_INVALID"') ? 401 : status;
}

/**
 * `gemini`: the Gemini API (generativelanguage.googleapis.com), `generateContent` and
 * `streamGenerateContent?alt=sse`, translated both ways; embeddings via `batchEmbedContents`.
 */
export function createGeminiAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  const { agents } = options;
  return {
    async complete(call) {
      const response = await sendUpstream(agents, call, toGeminiRequest(call, false), { effectiveStatus });
      return toCompletionResult(response.statusCode, await readBodyText(response, call), call.provider.name, call.upstreamModel);
    },

    async stream(call) {
      const response = await sendUpstream(agents, call, toGeminiRequest(call, true), { effectiveStatus });
      const context = {
        providerName: call.provider.name,
        status: response.statusCode,
        credential: call.provider.credential,
        upstreamModel: call.upstreamModel,
      };
      return { status: response.statusCode, events: guardStream(response, call, (body) => toStreamEvents(body, context)) };
    },

    async embed(call) {
      const response = await sendUpstream(agents, call, toGeminiEmbedRequest(call), { effectiveStatus });
      return toEmbeddingResult(call, response.statusCode, await readBodyText(response, call));
    },
  };
}
