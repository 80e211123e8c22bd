import { embeddingInputs } from '../../../shared/openai/embeddings.ts';
import type { EmbeddingCall, EmbeddingResult } from '../adapter.ts';
import type { WireRequest } from '../http-call.ts';
import { unsupportedParameter } from '../unsupported-parameter.ts';
import { upstreamInvalidResponse } from '../upstream-errors.ts';
import { geminiHeaders, geminiUrl } from './map-request.ts';

/**
 * `/v1/embeddings` as Gemini `batchEmbedContents` (one request per input text). Gemini takes
 * text only (token arrays are refused) and reports no usage: the gateway estimates it.
 */
export function toGeminiEmbedRequest(call: EmbeddingCall): WireRequest {
  const { texts, tokens } = embeddingInputs(call.request.input);
  if (tokens > 0) throw unsupportedParameter('gemini', 'input', 'Token array input');
  const model = `models/${call.upstreamModel.replace(/^models\//, '')}`;
  const dimensions = call.request.dimensions;
  const requests = texts.map((text) => ({ model, content: { parts: [{ text }] }, ...(dimensions ? { outputDimensionality: dimensions } : {}) }));
  return { url: geminiUrl(call, 'batchEmbedContents'), headers: geminiHeaders(call.provider, false), body: JSON.stringify({ requests }) };
}

export function toEmbeddingResult(call: EmbeddingCall, status: number, text: string): EmbeddingResult {
  let json: { embeddings?: { values?: number[] }[] };
  try {
    json = JSON.parse(text);
  } catch {
    throw upstreamInvalidResponse(call.provider.name, status, 'the body is not JSON');
  }
  if (!Array.isArray(json?.embeddings) || json.embeddings.some((embedding) => !Array.isArray(embedding?.values))) {
    throw upstreamInvalidResponse(call.provider.name, status, 'the body is not a batchEmbedContents response');
  }
  const base64 = call.request.encoding_format === 'base64';
  return {
    status,
    response: {
      object: 'list',
      data: json.embeddings.map((embedding, index) => ({
        object: 'embedding',
        index,
        // OpenAI's base64 form: the little-endian float32 array's bytes.
        embedding: base64 ? Buffer.from(new Float32Array(embedding.values!).buffer).toString('base64') : embedding.values!,
      })),
      model: call.upstreamModel,
    },
    usage: null,
  };
}
