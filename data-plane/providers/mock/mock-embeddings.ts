import { createHash } from 'node:crypto';
import { embeddingInputs } from '../../../shared/openai/embeddings.ts';
import { estimateTextTokens } from '../../usage/estimate-tokens.ts';
import type { EmbeddingCall, EmbeddingResult } from '../adapter.ts';

const DEFAULT_DIMENSIONS = 8;

/**
 * Deterministic unit vectors derived from each input's SHA-256, so equal inputs embed equally
 * and tests can compare; usage counted with the gateway's estimator.
 */
export function mockEmbeddings(call: EmbeddingCall): EmbeddingResult {
  const { texts, tokens } = embeddingInputs(call.request.input);
  const inputs = texts.length > 0 ? texts : [JSON.stringify(call.request.input)];
  const dimensions = Math.min(call.request.dimensions ?? DEFAULT_DIMENSIONS, 4096);
  const data = inputs.map((text, index) => {
    const vector = Array.from({ length: dimensions }, (_, i) => createHash('sha256').update(`${i}:${text}`).digest().readInt32BE(0) / 2 ** 31);
    const norm = Math.hypot(...vector) || 1;
    const values = vector.map((value) => value / norm);
    const embedding = call.request.encoding_format === 'base64' ? Buffer.from(new Float32Array(values).buffer).toString('base64') : values;
    return { object: 'embedding' as const, index, embedding };
  });
  const promptTokens = tokens + texts.reduce((sum, text) => sum + estimateTextTokens(text), 0);
  return {
    status: 200,
    response: { object: 'list', data, model: call.upstreamModel, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } },
    usage: { promptTokens, completionTokens: 0, cachedTokens: 0 },
  };
}
