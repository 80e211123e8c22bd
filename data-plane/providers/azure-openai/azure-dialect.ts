import { baseUrlOf } from '../http-call.ts';
import type { OpenAIDialect } from '../openai-compatible/map-request.ts';

/**
 * The `api-version` used when the provider sets none: the latest GA data-plane version that has
 * `stream_options.include_usage` (needed to bill streams exactly).
 */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI speaks OpenAI's wire format at deployment-scoped paths:
 * `{resource endpoint}/openai/deployments/{deployment}/{endpoint}?api-version=...`, with the key
 * in an `api-key` header. The deployment's `upstreamModel` is the Azure deployment name.
 */
export const azureDialect: OpenAIDialect = {
  url(call, endpoint) {
    const base = baseUrlOf(call, null);
    const apiVersion = encodeURIComponent(call.provider.apiVersion ?? AZURE_DEFAULT_API_VERSION);
    return `${base}/openai/deployments/${encodeURIComponent(call.upstreamModel)}/${endpoint}?api-version=${apiVersion}`;
  },
  authHeaders: (provider): Record<string, string> => (provider.credential !== null ? { 'api-key': provider.credential } : {}),
};

/** The same paths with a Microsoft Entra ID access token (`Authorization: Bearer`) instead of a key. */
export const azureEntraDialect: OpenAIDialect = {
  url: azureDialect.url,
  authHeaders: (provider): Record<string, string> => (provider.credential !== null ? { authorization: `Bearer ${provider.credential}` } : {}),
};
