import type { ChatCompletionRequest } from '../../shared/openai/chat-request.ts';
import type { ChatCompletion, ChatCompletionChunk } from '../../shared/openai/chat-response.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../../shared/openai/embeddings.ts';
import type { TextCompletion, TextCompletionRequest } from '../../shared/openai/text-completion.ts';
import type { TokenCounts } from '../../shared/pricing/cost.ts';
import type { AbortHook } from '../http/cancellation.ts';
import type { CompiledProvider } from '../snapshot/compiled-snapshot.ts';
import type { UpstreamResponse } from './upstream-response.ts';

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
  /**
   * Aborted when the client leaves or one of the attempt's deadlines passes: the adapter must
   * stop the upstream request. HTTP adapters follow it through http-call.ts (no AbortSignal made);
   * `cancellation.signal` is there for APIs that take a signal.
   */
  cancellation: AbortHook;
  /** The deployment's connect timeout (TCP + TLS), when it sets one; the data plane's default otherwise. */
  connectTimeoutMs?: number;
  /** The gateway's request id; adapters forward it (`x-request-id`) so both sides' logs meet. */
  requestId?: string;
  /**
   * W3C trace context naming the attempt's span (`traceparent`, maybe `tracestate`), set by the
   * attempt loop when tracing is on; HTTP adapters send it so a traced provider joins the trace.
   */
  traceHeaders?: Readonly<Record<string, string>>;
  /**
   * Top-level request fields outside the OpenAI spec that this deployment accepts (`top_k` on a
   * vLLM server...): OpenAI-wire adapters forward these and drop every other unknown field.
   */
  extraParameters?: readonly string[];
  /**
   * Called by HTTP adapters when the upstream's response head arrives (set by the attempt for
   * non-streamed calls, whose first-byte deadline ends there).
   */
  onResponseHead?: () => void;
  /**
   * Where HTTP adapters stamp the upstream's own time (performance.now()): when undici finished
   * writing the request to the socket, and when the latest response bytes came in. The attempt
   * subtracts the span up to its commit from the gateway's overhead (`x-tollgate-overhead-ms`);
   * building and writing the request, parsing and mapping the answer stay the gateway's.
   */
  timing?: UpstreamTiming;
}

/** See UpstreamCall.timing; 0 until stamped. */
export interface UpstreamTiming {
  sentAt: number;
  lastByteAt: number;
}

export interface CompletionResult {
  /** The upstream HTTP status (200 for adapters without HTTP). */
  status: number;
  completion: ChatCompletion;
  /** As reported by the provider; null when it reported none (the caller then estimates). */
  usage: TokenCounts | null;
  /**
   * The upstream's body exactly as received, when `completion` is that body parsed and nothing
   * else (OpenAI-compatible upstreams): the relay writes these bytes instead of serialising
   * `completion` again, as long as it does not change the answer.
   */
  raw?: string;
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
      /** `chunk`'s JSON exactly as the upstream sent it (forwarded as is, like a chunk's `raw`). */
      raw?: string;
    };

export interface OpenedStream {
  status: number;
  /** Throws an UpstreamError on a mid-stream failure, or the abort reason on client abort. */
  events: AsyncIterable<StreamEvent>;
}

/**
 * Ordinary content chunks the upstream sent in OpenAI's wire format, forwarded as their bytes:
 * whole `data: <chunk JSON>\n\n` frames, none of them parsed (so neither checked nor metered;
 * their text is counted only if the attempt ends without usage).
 */
export interface FramesEvent {
  type: 'frames';
  frames: Uint8Array;
  /** The finish reasons these frames carry, in order (for the attempt's span); null when none. */
  finishReasons: string[] | null;
}

/** A stream whose client gets OpenAI chunks as the upstream sent them (see ProviderAdapter.streamFrames). */
export type ForwardedStreamEvent = StreamEvent | FramesEvent;

export interface OpenedForwardedStream {
  status: number;
  events: AsyncIterable<ForwardedStreamEvent>;
}

/** An embeddings attempt: like UpstreamCall, with the embeddings request. */
export interface EmbeddingCall extends Omit<UpstreamCall, 'request'> {
  request: EmbeddingRequest;
}

export interface EmbeddingResult {
  status: number;
  /** In OpenAI's shape whatever the provider; `model` is the upstream's. */
  response: EmbeddingResponse;
  /** Prompt tokens as reported (completionTokens is always 0); null when the provider reported none. */
  usage: TokenCounts | null;
}

/** A legacy text completion attempt (`/v1/completions`), passed through as OpenAI wire. */
export interface TextCompletionCall extends Omit<UpstreamCall, 'request'> {
  request: TextCompletionRequest;
}

export interface TextCompletionResult {
  status: number;
  completion: TextCompletion;
  usage: TokenCounts | null;
}

/** Streamed text completion frames, usage last (same rules as StreamEvent). */
export type TextStreamEvent = { type: 'chunk'; chunk: TextCompletion } | { type: 'usage'; usage: TokenCounts; chunk: TextCompletion | null };

export interface OpenedTextStream {
  status: number;
  events: AsyncIterable<TextStreamEvent>;
}

/** A request in the provider's own wire format, passed through (the /v1/messages ingress on Anthropic). */
export interface NativeCall extends Omit<UpstreamCall, 'request'> {
  /** Below the provider's base URL, e.g. `/v1/messages`. */
  path: string;
  /** The client's body; `model` already swapped for the deployment's. */
  body: Record<string, unknown>;
  /** Protocol headers of the client's to pass on (`anthropic-version`, `anthropic-beta`). */
  headers: Record<string, string>;
}

/**
 * A provider kind's adapter. Every call throws UpstreamError (status mapped, upstream status
 * kept) for provider failures, and a 400 GatewayError (`unsupported_parameter`, `param` set)
 * before any I/O for a request feature the provider cannot serve (e.g. `n` > 1 on Anthropic).
 * `stream` resolves only once the upstream accepted the request, so an early failure still
 * becomes a plain JSON error for the client; a stream that ends without the provider's own
 * end marker throws (a truncated answer never looks complete).
 */
export interface ProviderAdapter {
  complete(call: UpstreamCall): Promise<CompletionResult>;
  stream(call: UpstreamCall): Promise<OpenedStream>;
  /**
   * `stream` for a relay that forwards OpenAI chunks unchanged and reads no text from them: the
   * ordinary content frames come as `frames` events, unparsed. Only adapters whose upstream speaks
   * OpenAI's chunk format have it; the first frame, finish reasons, usage and errors still come
   * as `chunk` / `usage` events or thrown errors, exactly as from `stream`.
   */
  streamFrames?(call: UpstreamCall): Promise<OpenedForwardedStream>;
  /** `/v1/embeddings`; absent when the kind has no embeddings API (the route answers 400). */
  embed?(call: EmbeddingCall): Promise<EmbeddingResult>;
  /** Legacy `/v1/completions`; absent when the kind does not serve it (the route answers 400). */
  completeText?(call: TextCompletionCall): Promise<TextCompletionResult>;
  streamText?(call: TextCompletionCall): Promise<OpenedTextStream>;
  /**
   * The provider's own API, body passed through losslessly; only where a client protocol is the
   * provider's own (Anthropic). Resolves with the accepted (2xx) response; errors as `complete`.
   */
  native?(call: NativeCall): Promise<UpstreamResponse>;
  /** Releases connections; called when the data plane stops. */
  close?(): Promise<void>;
}
