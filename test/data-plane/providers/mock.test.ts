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

  it('honours n and JSON mode, and refuses with 400 what it cannot do: a forced tool call, a JSON schema', async () => {
    const two = await (await h.post('/v1/chat/completions', body('mock', { n: 2 }))).json();
    expect(two.choices.map((choice: any) => [choice.index, choice.message.content])).toEqual([
      [0, 'Echo: one two three four five six seven eight'],
      [1, 'Echo: one two three four five six seven eight'],
    ]);
    const one = await (await h.post('/v1/chat/completions', body('mock'))).json();
    expect(two.usage.completion_tokens).toBe(2 * one.usage.completion_tokens);
    const streamed = sseFrames(await (await h.post('/v1/chat/completions', body('mock', { n: 2, stream: true }))).text());
    const texts = ['', ''];
    for (const frame of streamed.slice(0, -1)) for (const choice of JSON.parse(frame).choices) texts[choice.index] += choice.delta?.content ?? '';
    expect(texts).toEqual([one.choices[0].message.content, one.choices[0].message.content]);

    const json = await (await h.post('/v1/chat/completions', body('mock', { response_format: { type: 'json_object' } }))).json();
    expect(JSON.parse(json.choices[0].message.content)).toEqual({ echo: 'one two three four five six seven eight' });
    const tools = [{ type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } }];
    expect((await h.post('/v1/chat/completions', body('mock', { tools, tool_choice: 'auto' }))).status).toBe(200);
    for (const [extra, param] of [
      [{ tools, tool_choice: 'required' }, 'tool_choice'],
      [{ tools, tool_choice: { type: 'function', function: { name: 'noop' } } }, 'tool_choice'],
      [{ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } } }, 'response_format'],
    ] as const) {
      const refused = await h.post('/v1/chat/completions', body('mock', extra));
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toMatchObject({ code: 'unsupported_parameter', param });
    }
  });
});
