import type { ProviderAdapter, UpstreamCall } from '../adapter.ts';
import { createOpenAICompatibleAdapter } from '../openai-compatible/adapter.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { azureDialect, azureEntraDialect } from './azure-dialect.ts';
import { createEntraTokens, parseEntraCredential } from './entra-token.ts';

/**
 * `azure-openai`: OpenAI's wire format and mapping, at Azure's deployment paths (azure-dialect.ts).
 * Authenticates with the provider's API key (`api-key`), or, when its credential is Microsoft
 * Entra ID client credentials (entra-token.ts), with a bearer access token obtained and renewed
 * for it.
 */
export function createAzureOpenAIAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  const withKey = createOpenAICompatibleAdapter({ agents: options.agents, dialect: azureDialect });
  const withToken = createOpenAICompatibleAdapter({ agents: options.agents, dialect: azureEntraDialect });
  const tokens = createEntraTokens(options.agents);

  /** The adapter for the call's credential, and the call with the access token in place of the credential. */
  async function route<C extends Pick<UpstreamCall, 'provider' | 'cancellation' | 'connectTimeoutMs'>>(call: C): Promise<[ProviderAdapter, C]> {
    const entra = parseEntraCredential(call.provider.credential);
    if (!entra) return [withKey, call];
    const token = await tokens.token(entra, call);
    return [withToken, { ...call, provider: { ...call.provider, credential: token } }];
  }

  return {
    async complete(call) {
      const [adapter, routed] = await route(call);
      return adapter.complete(routed);
    },
    async stream(call) {
      const [adapter, routed] = await route(call);
      return adapter.stream(routed);
    },
    async streamFrames(call) {
      const [adapter, routed] = await route(call);
      return adapter.streamFrames!(routed);
    },
    async embed(call) {
      const [adapter, routed] = await route(call);
      return adapter.embed!(routed);
    },
    async completeText(call) {
      const [adapter, routed] = await route(call);
      return adapter.completeText!(routed);
    },
    async streamText(call) {
      const [adapter, routed] = await route(call);
      return adapter.streamText!(routed);
    },
  };
}
