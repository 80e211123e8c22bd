/**
 * The mock provider is configured through its baseUrl, so a snapshot alone sets it up:
 *
 *   mock://                                   instant answers
 *   mock://?latency_ms=20                     20 ms before the answer (or the first chunk)
 *   mock://?latency_ms=20&chunk_delay_ms=5    and 5 ms between streamed chunks
 *   mock://?fail_status=503                   every call fails as an upstream answering 503
 *
 * Unknown or invalid parameters are ignored (treated as 0 / absent).
 */
export interface MockSettings {
  latencyMs: number;
  chunkDelayMs: number;
  failStatus: number | null;
}

export function mockSettings(baseUrl: string | null): MockSettings {
  const query = baseUrl?.includes('?') ? baseUrl.slice(baseUrl.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const nonNegative = (name: string) => {
    const value = Number(params.get(name));
    return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
  };
  const failStatus = nonNegative('fail_status');
  return {
    latencyMs: nonNegative('latency_ms'),
    chunkDelayMs: nonNegative('chunk_delay_ms'),
    failStatus: failStatus >= 400 && failStatus <= 599 ? failStatus : null,
  };
}
