import { type Dispatcher, request } from 'undici';
import type { CompletionResult, OpenedStream, ProviderAdapter, UpstreamCall } from '../adapter.ts';
import { parseRetryAfter, upstreamHttpError, upstreamTransportError } from '../upstream-errors.ts';
import { toWireRequest } from './map-request.ts';
import { toCompletionResult, upstreamErrorMessage } from './map-response.ts';
import { toStreamEvents } from './map-stream.ts';

/** An error body larger than this is not read further: we only want its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The adapter for `openai` and `openai-compatible` providers (OpenAI, vLLM, Ollama, Groq...):
 * the wire format is already ours, so mapping is mostly the model id, usage and errors.
 */
export function createOpenAICompatibleAdapter(options: { dispatcher: Dispatcher }): ProviderAdapter {
  const { dispatcher } = options;

  async function send(call: UpstreamCall, stream: boolean) {
    const wire = toWireRequest(call, stream);
    const providerName = call.provider.name;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(wire.url, { dispatcher, method: 'POST', headers: wire.headers, body: wire.body, signal: call.signal });
    } catch (error) {
      throw upstreamTransportError(error, providerName, 0, call.signal);
    }
    if (response.statusCode >= 400) {
      const text = await readLimited(response.body, MAX_ERROR_BODY_BYTES).catch(() => '');
      throw upstreamHttpError({
        status: response.statusCode,
        message: upstreamErrorMessage(text, call.provider.credential),
        providerName,
        retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
      });
    }
    return response;
  }

  return {
    async complete(call: UpstreamCall): Promise<CompletionResult> {
      const response = await send(call, false);
      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        throw upstreamTransportError(error, call.provider.name, response.statusCode, call.signal);
      }
      return toCompletionResult(response.statusCode, text, call.provider.name);
    },

    async stream(call: UpstreamCall): Promise<OpenedStream> {
      const response = await send(call, true);
      const context = { providerName: call.provider.name, status: response.statusCode, credential: call.provider.credential };
      return {
        status: response.statusCode,
        events: (async function* () {
          try {
            yield* toStreamEvents(response.body, context);
          } catch (error) {
            throw upstreamTransportError(error, call.provider.name, response.statusCode, call.signal);
          } finally {
            // Stopping early (client gone, error) must release the upstream connection.
            if (!response.body.destroyed) response.body.destroy();
          }
        })(),
      };
    },
  };
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
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
