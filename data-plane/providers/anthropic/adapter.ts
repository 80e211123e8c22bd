import type { UpstreamAgents } from '../upstream-agent.ts';
import type { ProviderAdapter } from '../adapter.ts';
import { guardStream, readBodyText, sendUpstream } from '../http-call.ts';
import { toAnthropicRequest } from './map-request.ts';
import { toCompletionResult } from './map-response.ts';
import { toStreamEvents } from './map-stream.ts';

/**
 * `anthropic`: the native Messages API (`POST /v1/messages`), translated both ways. Anthropic
 * has no embeddings or legacy completions endpoint, so those are absent (the routes answer 400).
 */
export function createAnthropicAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  const { agents } = options;
  return {
    async complete(call) {
      const response = await sendUpstream(agents, call, toAnthropicRequest(call, false));
      return toCompletionResult(response.statusCode, await readBodyText(response, call), call.provider.name);
    },

    async stream(call) {
      const response = await sendUpstream(agents, call, toAnthropicRequest(call, true));
      const context = { providerName: call.provider.name, status: response.statusCode, credential: call.provider.credential };
      return { status: response.statusCode, events: guardStream(response, call, (body) => toStreamEvents(body, context)) };
    },
  };
}
