import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { ChatCompletion, ChatCompletionChunk } from '../../shared/openai/chat-response.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';
import type { CompiledProvider } from '../snapshot/compiled-snapshot.ts';

/**
 * One upstream attempt as the gateway asks for it, in OpenAI terms. Each adapter maps it to its
 * provider's wire format and maps the answer back, so everything above the adapters speaks one
 * dialect whatever the provider (Anthropic, Gemini and Azure fit the same shape).
 */
export interface UpstreamCall {
  /** The validated client body after gateway policy; `model` is still the public name. */
  request: ChatCompletionRequest;
  /** The deployment's model id at the provider: what goes on the wire. */
  upstreamModel: string;
  provider: CompiledProvider;
  /** Aborted when the client leaves: the adapter must stop the upstream request. */
  signal: AbortSignal;
}

export interface CompletionResult {
  /** The upstream HTTP status (200 for adapters without HTTP). */
  status: number;
  completion: ChatCompletion;
  /** As reported by the provider; null when it reported none (the caller then estimates). */
  usage: TokenCounts | null;
}

/**
 * Events of a streamed completion, in OpenAI chunk form. `usage` comes at most once, last.
 */
export type StreamEvent =
  | {
      type: 'chunk';
      chunk: ChatCompletionChunk;
      /**
       * The chunk's JSON exactly as the upstream sent it, when the adapter did not change it: the
       * relay forwards it as is instead of serialising `chunk` again (a measured cost per frame).
       */
      raw?: string;
    }
  | {
      type: 'usage';
      usage: TokenCounts;
      /**
       * The provider's own usage-only chunk (choices: []) when it sent one; null when usage came
       * some other way (attached to a content chunk, a provider-specific event) and the relay
       * builds the chunk for clients that asked for it.
       */
      chunk: ChatCompletionChunk | null;
    };

export interface OpenedStream {
  status: number;
  /** Throws an UpstreamError on a mid-stream failure, or the abort reason on client abort. */
  events: AsyncIterable<StreamEvent>;
}

/**
 * A provider kind's adapter. Both calls throw UpstreamError (status mapped, upstream status kept)
 * for provider failures; `stream` resolves only once the upstream accepted the request, so an
 * early failure still becomes a plain JSON error for the client.
 */
export interface ProviderAdapter {
  complete(call: UpstreamCall): Promise<CompletionResult>;
  stream(call: UpstreamCall): Promise<OpenedStream>;
  /** Releases connections; called when the data plane stops. */
  close?(): Promise<void>;
}
