import type { ProviderKind } from '../../shared/snapshot/schema.ts';
import type { ProviderAdapter } from './adapter.ts';
import { createAnthropicAdapter } from './anthropic/adapter.ts';
import { createAzureOpenAIAdapter } from './azure-openai/adapter.ts';
import { createBedrockAdapter } from './bedrock/adapter.ts';
import { createCohereAdapter } from './cohere/adapter.ts';
import { createGeminiAdapter } from './gemini/adapter.ts';
import { createMistralAdapter } from './mistral/adapter.ts';
import { createMockAdapter } from './mock/adapter.ts';
import { createOpenAICompatibleAdapter } from './openai-compatible/adapter.ts';
import type { UpstreamAgents } from './upstream-agent.ts';
import { createVertexAdapter } from './vertex/adapter.ts';

export type ProviderAdapters = Readonly<Record<ProviderKind, ProviderAdapter>>;

/** One adapter per provider kind; a kind added to the snapshot schema fails to compile here. */
export function createProviderAdapters(options: { agents: UpstreamAgents }): ProviderAdapters {
  const openAICompatible = createOpenAICompatibleAdapter(options);
  return {
    openai: openAICompatible,
    'openai-compatible': openAICompatible,
    'azure-openai': createAzureOpenAIAdapter(options),
    anthropic: createAnthropicAdapter(options),
    gemini: createGeminiAdapter(options),
    mistral: createMistralAdapter(options),
    cohere: createCohereAdapter(options),
    bedrock: createBedrockAdapter(options),
    vertex: createVertexAdapter(options),
    mock: createMockAdapter(),
  } satisfies Record<ProviderKind, ProviderAdapter>;
}
