import type { ProviderKind } from '../snapshot/schema.ts';

/**
 * A well-known upstream: the provider kind that speaks its API and the base URL to use, so that
 * configuring it takes a name and a key. The control plane fills `baseUrl` (and `kind`) from a
 * provider's `preset`; the data plane only ever sees the resulting baseUrl in the snapshot.
 *
 * Base URL conventions per kind (what the adapters append):
 * - openai / openai-compatible: the URL up to and including the API version (`.../v1`); the
 *   adapter appends `/chat/completions`, `/embeddings`, `/completions`.
 * - anthropic: the origin (`https://api.anthropic.com`); the adapter appends `/v1/messages`
 *   (a base URL already ending in `/v1` is accepted too).
 * - gemini: the origin; the adapter appends `/v1beta/models/{model}:generateContent` (a base URL
 *   already ending in a version segment such as `/v1beta` or `/v1` is used as is).
 * - azure-openai: the resource endpoint (`https://{resource}.openai.azure.com`), no preset: it
 *   is different for every Azure resource.
 */
export interface ProviderPreset {
  /** What the preset is, for listings and docs. */
  readonly label: string;
  readonly kind: ProviderKind;
  readonly baseUrl: string;
  /** False for local servers (vLLM, Ollama, TGI) that usually run without a key. */
  readonly needsApiKey: boolean;
}

export const PROVIDER_PRESETS = {
  openai: { label: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1', needsApiKey: true },
  anthropic: { label: 'Anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', needsApiKey: true },
  gemini: { label: 'Google Gemini API', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', needsApiKey: true },
  groq: { label: 'Groq', kind: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', needsApiKey: true },
  together: { label: 'Together AI', kind: 'openai-compatible', baseUrl: 'https://api.together.xyz/v1', needsApiKey: true },
  fireworks: { label: 'Fireworks AI', kind: 'openai-compatible', baseUrl: 'https://api.fireworks.ai/inference/v1', needsApiKey: true },
  deepinfra: { label: 'DeepInfra', kind: 'openai-compatible', baseUrl: 'https://api.deepinfra.com/v1/openai', needsApiKey: true },
  openrouter: { label: 'OpenRouter', kind: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1', needsApiKey: true },
  // Local servers: the default ports of their own documentation.
  ollama: { label: 'Ollama (OpenAI endpoint)', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', needsApiKey: false },
  vllm: { label: 'vLLM (local)', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', needsApiKey: false },
  tgi: { label: 'Hugging Face TGI (Messages API)', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1', needsApiKey: false },
} as const satisfies Record<string, ProviderPreset>;

export type ProviderPresetName = keyof typeof PROVIDER_PRESETS;

export const PROVIDER_PRESET_NAMES = Object.keys(PROVIDER_PRESETS) as ProviderPresetName[];

/** The preset of that name, or undefined (a type guard for input coming from outside). */
export function findProviderPreset(name: string): ProviderPreset | undefined {
  return Object.hasOwn(PROVIDER_PRESETS, name) ? PROVIDER_PRESETS[name as ProviderPresetName] : undefined;
}
