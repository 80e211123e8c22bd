import { describe, expect, it } from 'vitest';
import { mockSettings } from './mock-settings.ts';

describe('mockSettings', () => {
  it('reads latency, chunk delay and failure from the base URL', () => {
    expect(mockSettings('mock://?latency_ms=20&chunk_delay_ms=5&fail_status=503')).toEqual({ latencyMs: 20, chunkDelayMs: 5, failStatus: 503 });
  });

  it('defaults to instant success, ignoring invalid values', () => {
    expect(mockSettings(null)).toEqual({ latencyMs: 0, chunkDelayMs: 0, failStatus: null });
    expect(mockSettings('mock://?latency_ms=-5&fail_status=200&chunk_delay_ms=abc')).toEqual({ latencyMs: 0, chunkDelayMs: 0, failStatus: null });
  });
});
