import type { ProviderAdapter } from '../adapter.ts';
import { guardStream, readBodyText, sendUpstream } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { ANTHROPIC_VERSION, anthropicUrl, toAnthropicRequest } from './map-request.ts';
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

    native(call) {
      const stream = call.body.stream === true;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
        'anthropic-version': call.headers['anthropic-version'] ?? ANTHROPIC_VERSION,
        ...(call.headers['anthropic-beta'] ? { 'anthropic-beta': call.headers['anthropic-beta'] } : {}),
      };
      if (call.provider.credential !== null) headers['x-api-key'] = call.provider.credential;
      return sendUpstream(agents, call, { url: anthropicUrl(call, call.path), headers, body: JSON.stringify(call.body) });
    },
  };
}
