import type { UpstreamAgents } from '../upstream-agent.ts';
import type { ProviderAdapter } from '../adapter.ts';
import { createOpenAICompatibleAdapter } from '../openai-compatible/adapter.ts';
import { azureDialect } from './azure-dialect.ts';

/** `azure-openai`: OpenAI's wire format and mapping, at Azure's deployment paths (azure-dialect.ts). */
export function createAzureOpenAIAdapter(options: { agents: UpstreamAgents }): ProviderAdapter {
  return createOpenAICompatibleAdapter({ agents: options.agents, dialect: azureDialect });
}
