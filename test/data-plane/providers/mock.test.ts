import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProviderHarness, sseFrames, startProviderHarness } from './provider-harness.ts';

let h: ProviderHarness;
beforeAll(async () => {
  h = await startProviderHarness({
    mocks: {
      mock: 'mock://',
      'mock-429': 'mock://?fail_status=429',
      'mock-never-fails': 'mock://?fail_status=500&fail_probability=0',
      'mock-cut': 'mock://?fail_after_chunks=2',
      'mock-paced': 'mock://?tokens_per_second=200',
    },
  });
});
afterAll(() => h.close());

const body = (model: string, extra: object = {}) => ({ model, messages: [{ role: 'user', content: 'one two three four five six seven eight' }], ...extra });

describe('mock provider', () => {
  it('answers plainly and streams with [DONE], metered', async () => {
    const plain = await h.post('/v1/chat/completions', body('mock'));
    expect((await plain.json()).choices[0].message.content).toBe('Echo: one two three four five six seven eight');
    const streamed = await h.post('/v1/chat/completions', body('mock', { stream: true }));
    expect(sseFrames(await streamed.text()).at(-1)).toBe('[DONE]');
    expect((await h.usageOf(streamed))[0]).toMatchObject({ outcome: 'ok', streamed: true });
  });

  it('injects an upstream status, mapped like a real one', async () => {
    const response = await h.post('/v1/chat/completions', body('mock-429'));
    expect(response.status).toBe(429);
    expect((await response.json()).error.code).toBe('upstream_rate_limited');
    expect((await h.post('/v1/chat/completions', body('mock-never-fails'))).status).toBe(200);
  });

  it('fails a stream after N chunks with an SSE error event and no [DONE]', async () => {
    const response = await h.post('/v1/chat/completions', body('mock-cut', { stream: true }));
    const frames = sseFrames(await response.text());
    expect(frames).not.toContain('[DONE]');
    expect(frames).toHaveLength(4); // role chunk, two content chunks, the error
    expect(JSON.parse(frames.at(-1)!).error.code).toBe('upstream_stream_error');
    expect((await h.usageOf(response))[0]).toMatchObject({ outcome: 'upstream_error', status: 200 });
  });

  it('paces a stream by tokens per second, word by word', async () => {
    const started = performance.now();
    const response = await h.post('/v1/chat/completions', body('mock-paced', { stream: true }));
    const frames = sseFrames(await response.text());
    // "Echo: " + 8 words = 9 words of ~1-2 tokens at 200 tokens/s: at least ~45 ms.
    expect(performance.now() - started).toBeGreaterThan(40);
    expect(frames.length).toBe(1 + 9 + 1 + 1); // role, 9 words, finish, [DONE]
  });
});
