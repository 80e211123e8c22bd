import type { IncomingHttpHeaders } from 'node:http';
import { UpstreamErrorBody } from '../../shared/openai/error-body.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamCall } from './adapter.ts';
import type { UpstreamAgents } from './upstream-agent.ts';
import { parseRetryAfter, redactSecret, upstreamHttpError, upstreamTransportError } from './upstream-errors.ts';
import { dispatchUpstream, type UpstreamResponse } from './upstream-response.ts';

/** An error body larger than this is not read further: we only want its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** One HTTP request to an upstream, as an adapter's request mapping builds it. */
export interface WireRequest {
  url: string;
  headers: Record<string, string>;
  /** JSON text; absent for GET. */
  body?: string;
  method?: 'GET' | 'POST';
}

export interface HttpCallOptions {
  /**
   * The status to map an error answer by, when a provider signals something with another one
   * (Gemini answers an invalid API key with 400 API_KEY_INVALID: for us that is a 401; Bedrock
   * names its error in a header).
   */
  effectiveStatus?(status: number, body: string, headers: IncomingHttpHeaders): number;
}

/**
 * Sends a request and returns the accepted (2xx) response. Error statuses become an UpstreamError
 * that keeps the upstream status and carries only the redacted message of the body (OpenAI,
 * Anthropic and Gemini error bodies all put it at `error.message`), never the raw body.
 */
export async function sendUpstream(
  agents: UpstreamAgents,
  call: Pick<UpstreamCall, 'provider' | 'cancellation' | 'connectTimeoutMs' | 'traceHeaders' | 'onResponseHead' | 'timing'>,
  wire: WireRequest,
  options: HttpCallOptions = {},
): Promise<UpstreamResponse> {
  const providerName = call.provider.name;
  const headers = call.traceHeaders ? { ...call.traceHeaders, ...wire.headers } : wire.headers;
  let response: UpstreamResponse;
  try {
    const { origin, path } = splitUrl(wire.url);
    response = await dispatchUpstream(
      // A team-owned provider connects only to public addresses (address-guard.ts): SSRF guard.
      agents.forConnectTimeout(call.connectTimeoutMs, call.provider.teamId === null ? 'any' : 'public-only'),
      { origin, path, method: wire.method ?? 'POST', headers, body: wire.body },
      call.cancellation,
      call.timing,
    );
  } catch (error) {
    throw upstreamTransportError(error, providerName, 0, call.cancellation);
  }
  call.onResponseHead?.();
  if (response.statusCode >= 400) {
    const text = await readLimited(response.body, MAX_ERROR_BODY_BYTES).catch(() => '');
    throw upstreamHttpError({
      status: response.statusCode,
      mapAs: options.effectiveStatus?.(response.statusCode, text, response.headers),
      message: upstreamErrorMessage(text, call.provider.credential),
      providerName,
      retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
    });
  }
  return response;
}

/** URLs split so far: a deployment's URL is the same on every call (a handful per provider). */
const splitUrls = new Map<string, { origin: string; path: string }>();
/** Past this many distinct URLs the cache starts over (URLs that embed something per request). */
const MAX_SPLIT_URLS = 1024;

/** The origin and path (with query) of an upstream URL, parsed once per distinct URL. Throws on an invalid one. */
function splitUrl(href: string): { origin: string; path: string } {
  let split = splitUrls.get(href);
  if (split) return split;
  const url = new URL(href);
  split = { origin: url.origin, path: url.pathname + url.search };
  if (splitUrls.size >= MAX_SPLIT_URLS) splitUrls.clear();
  splitUrls.set(href, split);
  return split;
}

/** The whole body of an accepted response as text; transport failures mapped. */
export async function readBodyText(response: UpstreamResponse, call: Pick<UpstreamCall, 'provider' | 'cancellation'>): Promise<string> {
  try {
    return await response.body.text();
  } catch (error) {
    throw upstreamTransportError(error, call.provider.name, response.statusCode, call.cancellation);
  }
}

/**
 * Runs a stream mapping over an accepted response's body: transport failures are mapped, and
 * the upstream connection is released however the consumer stops. A mapping that completes (it
 * saw the stream's end marker) leaves the connection alive for the next request; an error or a
 * consumer that stops early (client gone, deadline) cancels the upstream request.
 *
 * A plain iterator over the mapping's, not an async generator around it: a generator's `yield*`
 * costs promise hops on every event, and this runs on every event of every stream.
 */
export function guardStream<T>(
  response: UpstreamResponse,
  call: Pick<UpstreamCall, 'provider' | 'cancellation'>,
  map: (body: AsyncIterable<Uint8Array>) => AsyncIterable<T>,
): AsyncIterableIterator<T> {
  const events = map(response.body)[Symbol.asyncIterator]();
  let released = false;
  const release = (complete: boolean) => {
    if (released) return;
    released = true;
    if (complete) response.body.discardRest();
    else response.body.destroy();
  };
  const passOn = (result: IteratorResult<T>) => {
    if (result.done) release(true);
    return result;
  };
  const fail = (error: unknown): never => {
    release(false);
    throw upstreamTransportError(error, call.provider.name, response.statusCode, call.cancellation);
  };
  return {
    next: () => (released ? Promise.resolve({ done: true, value: undefined }) : events.next().then(passOn, fail)),
    async return(): Promise<IteratorResult<T>> {
      release(false);
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The message of an error body (`{"error":{"message"}}` or `{"error":"..."}`), redacted; null
 * when the body is not one. Only the message crosses to the client, never the raw body.
 */
export function upstreamErrorMessage(text: string, credential: string | null): string | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = UpstreamErrorBody.safeParse(json);
  if (!parsed.success) {
    // Mistral, Cohere and Bedrock put the message at the top level: `{"message": "..."}` (some
    // AWS errors spell it `Message`).
    const top = (json as { message?: unknown; Message?: unknown } | null)?.message ?? (json as { Message?: unknown } | null)?.Message;
    return typeof top === 'string' && top ? redactSecret(top, credential) : null;
  }
  const message = typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
  return message ? redactSecret(message, credential) : null;
}

/** The base URL without trailing slashes, or a 503 when the provider has none and no default. */
export function baseUrlOf(call: Pick<UpstreamCall, 'provider'>, fallback: string | null): string {
  const baseUrl = call.provider.baseUrl ?? fallback;
  if (!baseUrl) {
    throw upstreamMisconfigured(call.provider.name, 'has no base URL configured');
  }
  return baseUrl.replace(/\/+$/, '');
}

export function upstreamMisconfigured(providerName: string, what: string) {
  return new GatewayError({ status: 503, type: 'service_unavailable', code: 'provider_misconfigured', message: `Provider ${providerName} ${what}.` });
}

async function readLimited(body: AsyncIterable<Uint8Array> & { destroy(): unknown }, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}
