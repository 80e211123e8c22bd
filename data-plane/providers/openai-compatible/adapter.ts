import type { ProviderAdapter } from '../adapter.ts';
import { guardStream, readBodyText, sendUpstream } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { type OpenAIDialect, openAIDialect, toWireRequest } from './map-request.ts';
import { toCompletionResult, toEmbeddingResult, toTextCompletionResult } from './map-response.ts';
import { toForwardedStreamEvents, toStreamEvents, toTextStreamEvents } from './map-stream.ts';

/**
 * The adapter for providers that speak OpenAI's wire format: `openai`, `openai-compatible`
 * (vLLM, Ollama, Groq...) and, with its dialect, `azure-openai`. Mapping is mostly the model id,
 * the endpoint URL, usage and errors; every OpenAI feature (tools, n, response_format) passes
 * through for the upstream to accept or refuse.
 */
export function createOpenAICompatibleAdapter(options: { agents: UpstreamAgents; dialect?: OpenAIDialect }): ProviderAdapter {
  const { agents } = options;
  const dialect = options.dialect ?? openAIDialect;
  const contextOf = (call: { provider: { name: string; credential: string | null } }, status: number) => ({
    providerName: call.provider.name,
    status,
    credential: call.provider.credential,
  });

  return {
    async complete(call) {
      const response = await sendUpstream(agents, call, toWireRequest(call, 'chat/completions', false, dialect));
      return toCompletionResult(response.statusCode, await readBodyText(response, call), call.provider.name);
    },

    async stream(call) {
      const response = await sendUpstream(agents, call, toWireRequest(call, 'chat/completions', true, dialect));
      const context = contextOf(call, response.statusCode);
      return { status: response.statusCode, events: guardStream(response, call, (body) => toStreamEvents(body, context)) };
    },

    async streamFrames(call) {
      const response = await sendUpstream(agents, call, toWireRequest(call, 'chat/completions', true, dialect));
      const context = contextOf(call, response.statusCode);
      return { status: response.statusCode, events: guardStream(response, call, (body) => toForwardedStreamEvents(body, context)) };
    },

    async embed(call) {
      const response = await sendUpstream(agents, call, toWireRequest(call, 'embeddings', false, dialect));
      return toEmbeddingResult(response.statusCode, await readBodyText(response, call), call.provider.name);
    },

    async completeText(call) {
      const response = await sendUpstream(agents, call, toWireRequest(call, 'completions', false, dialect));
      return toTextCompletionResult(response.statusCode, await readBodyText(response, call), call.provider.name);
    },

    async streamText(call) {
      const response = await sendUpstream(agents, call, toWireRequest(call, 'completions', true, dialect));
      const context = contextOf(call, response.statusCode);
      return { status: response.statusCode, events: guardStream(response, call, (body) => toTextStreamEvents(body, context)) };
    },
  };
}
