import type { ModelPrice, TieredPrices } from '@pydantic/genai-prices';
import type { ProviderKind } from '../../../shared/snapshot/schema.ts';

/**
 * The model catalogue: prices, context windows and price history from `@pydantic/genai-prices`
 * (MIT, maintained by Pydantic, used by Logfire; its data is bundled in the package, so a lookup
 * never goes to the network: `updatePrices` is never called). Chosen over LiteLLM's
 * `model_prices_and_context_window.json` (not on npm as a package, no price history) and
 * OpenRouter's API (online only). Upgrading the package is how prices are refreshed; a model
 * created from it keeps the price it was created with (later changes are new price versions).
 */
export const CATALOGUE_SOURCE = '@pydantic/genai-prices';

/** The catalogue's provider for each of our provider kinds (null: search every provider by model id). */
const CATALOGUE_PROVIDER: Record<ProviderKind, string | null> = {
  openai: 'openai',
  'azure-openai': 'azure',
  anthropic: 'anthropic',
  gemini: 'google',
  mistral: 'mistral',
  cohere: 'cohere',
  bedrock: 'aws',
  // Gemini and Claude on Vertex are priced as Google's and Anthropic's own: search by model id.
  vertex: null,
  'openai-compatible': null,
  mock: null,
};

/** Integer micro-USD per million tokens. */
export interface CataloguePrice {
  inputPerMillion: bigint;
  outputPerMillion: bigint;
  /** Prompt-cache reads; the input price when the catalogue has none. */
  cachedInputPerMillion: bigint;
  /** Prompt-cache writes (Anthropic), when the catalogue has them. Informational: not billed separately yet. */
  cacheWritePerMillion: bigint | null;
}

export interface CatalogueEntry {
  /** The catalogue's provider and model ids, e.g. `openai` / `gpt-4o`. */
  provider: string;
  model: string;
  name: string | null;
  contextWindow: number | null;
  price: CataloguePrice;
  /** Set when the catalogue's price has volume tiers: only the base tier is taken. */
  tiered: boolean;
}

/** A catalogue price (USD per million tokens, a float) as exact integer micro-USD. */
function micro(value: number | TieredPrices | undefined): bigint | null {
  if (value === undefined) return null;
  const usd = typeof value === 'number' ? value : value.base;
  // USD per Mtok -> micro-USD per Mtok; the catalogue has at most 6 decimals, rounding removes float noise.
  return BigInt(Math.round(usd * 1_000_000));
}

/**
 * The catalogue's entry for a model served by a provider of `kind` under `upstreamModel`, with
 * the price in force at `at` (the catalogue keeps dated price changes). Null when it has none.
 */
export async function lookupCatalogue(kind: ProviderKind, upstreamModel: string, at = new Date()): Promise<CatalogueEntry | null> {
  // Loaded on the first lookup, not at start: its bundled data (a 1.6 MB module source and the
  // objects built from it, 3.4 MB of heap) is only needed when a model or deployment is created
  // from the catalogue, which a running control plane rarely does.
  const { calcPrice, findProvider } = await import('@pydantic/genai-prices');
  const providerId = CATALOGUE_PROVIDER[kind];
  const provider = providerId ? findProvider({ providerId }) : findProvider({ modelId: upstreamModel });
  if (!provider) return null;
  // calcPrice does the catalogue's own model matching and date selection; usage is irrelevant here.
  const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, upstreamModel, { provider, timestamp: at });
  if (!found) return null;
  const prices: ModelPrice = found.model_price;
  const input = micro(prices.input_mtok);
  const output = micro(prices.output_mtok);
  if (input === null || output === null) return null;
  return {
    provider: found.provider.id,
    model: found.model.id,
    name: found.model.name ?? null,
    contextWindow: found.model.context_window ?? null,
    price: {
      inputPerMillion: input,
      outputPerMillion: output,
      cachedInputPerMillion: micro(prices.cache_read_mtok) ?? input,
      cacheWritePerMillion: micro(prices.cache_write_mtok),
    },
    tiered: Object.values(prices).some((value) => typeof value === 'object'),
  };
}
