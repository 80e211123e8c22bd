/**
 * The mock provider is configured through its baseUrl, so a snapshot alone sets it up:
 *
 *   mock://                                   instant answers
 *   mock://?latency_ms=20                     20 ms before the answer (or the first chunk)
 *   mock://?latency_ms=20&chunk_delay_ms=5    and 5 ms between streamed chunks
 *   mock://?tokens_per_second=50              streams word by word at about 50 tokens/s (on top
 *                                             of chunk_delay_ms), like a real model would
 *   mock://?fail_status=503                   every call fails as an upstream answering 503
 *   mock://?fail_after_chunks=3               streams fail after 3 content chunks (SSE error
 *                                             event, no [DONE]); non-streamed calls succeed
 *   mock://?fail_status=429&fail_probability=0.1
 *                                             only 10 % of calls fail (each call rolls once;
 *                                             fail_status wins over fail_after_chunks)
 *
 * Unknown or invalid parameters are ignored (treated as 0 / absent); a probability defaults to 1.
 */
export interface MockSettings {
  latencyMs: number;
  chunkDelayMs: number;
  /** 0 means no pacing by tokens. */
  tokensPerSecond: number;
  failStatus: number | null;
  failAfterChunks: number | null;
  /** In [0, 1]: the chance that a call with a failure configured fails. */
  failProbability: number;
}

export function mockSettings(baseUrl: string | null): MockSettings {
  const query = baseUrl?.includes('?') ? baseUrl.slice(baseUrl.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const positive = (name: string) => {
    const value = Number(params.get(name));
    return Number.isFinite(value) && value > 0 ? value : 0;
  };
  const failStatus = Math.floor(positive('fail_status'));
  const failAfter = params.get('fail_after_chunks');
  const failAfterChunks = failAfter !== null && /^\d+$/.test(failAfter) ? Number(failAfter) : null;
  const probability = params.get('fail_probability');
  const failProbability =
    probability !== null && Number.isFinite(Number(probability)) && probability.trim() !== '' ? Math.min(1, Math.max(0, Number(probability))) : 1;
  return {
    latencyMs: Math.floor(positive('latency_ms')),
    chunkDelayMs: Math.floor(positive('chunk_delay_ms')),
    tokensPerSecond: positive('tokens_per_second'),
    failStatus: failStatus >= 400 && failStatus <= 599 ? failStatus : null,
    failAfterChunks,
    failProbability,
  };
}
