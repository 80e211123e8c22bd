import type { ProviderAdapter, UpstreamCall } from '../adapter.ts';
import { toCompletionResult as anthropicCompletion } from '../anthropic/map-response.ts';
import { toStreamEvents as anthropicStream } from '../anthropic/map-stream.ts';
import { toCompletionResult as geminiCompletion } from '../gemini/map-response.ts';
import { toStreamEvents as geminiStream } from '../gemini/map-stream.ts';
import { guardStream, readBodyText, sendUpstream, upstreamMisconfigured } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { publisherOf, toVertexRequest } from './map-request.ts';
import { createServiceAccountTokens, parseServiceAccountKey } from './service-account-token.ts';

/**
 * `vertex`: Google Vertex AI with a service account. Gemini models through `generateContent` /
 * `streamGenerateContent` and Anthropic's Claude models through `rawPredict` / `streamRawPredict`,
 * each with its publisher's own mapping (gemini/, anthropic/): on Vertex they speak the same
 * wire formats. No embeddings yet (Vertex's `:predict` for text-embedding models is not mapped;
 * the route answers 400).
 */
export function createVertexAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  const { agents } = options;
  const tokens = createServiceAccountTokens(agents);

  async function send(call: UpstreamCall, stream: boolean) {
    const key = parseServiceAccountKey(call.provider.credential);
    if (!key) throw upstreamMisconfigured(call.provider.name, 'has no usable credential (a service-account key file as JSON)');
    const token = await tokens.token(key, call);
    const wire = toVertexRequest(call, key.project_id, token, stream);
    // Redact the token (the key file never goes to Vertex) from whatever Vertex says.
    const sending = { ...call, provider: { ...call.provider, credential: token } };
    return { response: await sendUpstream(agents, sending, wire), sending };
  }

  return {
    async complete(call) {
      const { response, sending } = await send(call, false);
      const text = await readBodyText(response, sending);
      return publisherOf(call.upstreamModel) === 'google'
        ? geminiCompletion(response.statusCode, text, call.provider.name, call.upstreamModel)
        : anthropicCompletion(response.statusCode, text, call.provider.name);
    },

    async stream(call) {
      const { response, sending } = await send(call, true);
      const context = {
        providerName: call.provider.name,
        status: response.statusCode,
        credential: sending.provider.credential,
        upstreamModel: call.upstreamModel,
      };
      const map = publisherOf(call.upstreamModel) === 'google' ? geminiStream : anthropicStream;
      return { status: response.statusCode, events: guardStream(response, sending, (body) => map(body, context)) };
    },
  };
}
