import { describe, expect, it } from 'vitest';
import { mockSettings } from './mock-settings.ts';

const DEFAULTS = { latencyMs: 0, chunkDelayMs: 0, tokensPerSecond: 0, failStatus: null, failAfterChunks: null, failProbability: 1 };

describe('mockSettings', () => {
  it('reads latency, chunk delay, token rate and failure injection from the base URL', () => {
    expect(mockSettings('mock://?latency_ms=20&chunk_delay_ms=5&fail_status=503')).toEqual({ ...DEFAULTS, latencyMs: 20, chunkDelayMs: 5, failStatus: 503 });
    expect(mockSettings('mock://?tokens_per_second=40.5&fail_after_chunks=0&fail_probability=0.25')).toEqual({
      ...DEFAULTS,
      tokensPerSecond: 40.5,
      failAfterChunks: 0,
      failProbability: 0.25,
    });
  });

  it('defaults to instant success, ignoring invalid values', () => {
    expect(mockSettings(null)).toEqual(DEFAULTS);
    expect(mockSettings('mock://?latency_ms=-5&fail_status=200&chunk_delay_ms=abc&fail_after_chunks=-1&tokens_per_second=x&fail_probability=')).toEqual(
      DEFAULTS,
    );
    expect(mockSettings('mock://?fail_probability=7').failProbability).toBe(1);
  });
});
