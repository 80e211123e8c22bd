import type { Dispatcher } from 'undici';
import type { ProviderKind } from '../../shared/snapshot/schema.ts';
import type { ProviderAdapter } from './adapter.ts';
import { createMockAdapter } from './mock/adapter.ts';
import { notSupportedAdapter } from './not-supported.ts';
import { createOpenAICompatibleAdapter } from './openai-compatible/adapter.ts';

export type ProviderAdapters = Readonly<Record<ProviderKind, ProviderAdapter>>;

/** One adapter per provider kind; a kind added to the snapshot schema fails to compile here. */
export function createProviderAdapters(options: { dispatcher: Dispatcher }): ProviderAdapters {
  const openAICompatible = createOpenAICompatibleAdapter(options);
  return {
    openai: openAICompatible,
    'openai-compatible': openAICompatible,
    mock: createMockAdapter(),
    'azure-openai': notSupportedAdapter('azure-openai'),
    anthropic: notSupportedAdapter('anthropic'),
    gemini: notSupportedAdapter('gemini'),
  } satisfies Record<ProviderKind, ProviderAdapter>;
}
