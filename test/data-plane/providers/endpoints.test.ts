import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ProviderHarness, sseFrames, startProviderHarness, UPSTREAM_KEY } from './provider-harness.ts';

let h: ProviderHarness;
beforeAll(async () => {
  h = await startProviderHarness({ mocks: { mock: 'mock://' } });
});
afterAll(() => h.close());
beforeEach(() => h.upstream.reset());

const messages = [{ role: 'user', content: 'Say hello' }];

describe('POST /v1/embeddings', () => {
  it('passes through to an OpenAI-style provider and meters prompt tokens only', async () => {
    h.upstream.enqueue({ file: 'openai/embeddings.json' });
    const response = await h.post('/v1/embeddings', { model: 'openai-compatible', input: ['hello', 'world'] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ object: 'list', data: [{ index: 0 }, { index: 1 }], usage: { prompt_tokens: 8 } });
    expect(h.upstream.requests[0]).toMatchObject({ url: '/v1/embeddings', body: { model: 'meta-llama/Llama-3.3-70B-Instruct', input: ['hello', 'world'] } });
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ promptTokens: 8, completionTokens: 0, estimated: false, outcome: 'ok' });
  });

  it('uses the Azure deployment path', async () => {
    h.upstream.enqueue({ file: 'openai/embeddings.json' });
    expect((await h.post('/v1/embeddings', { model: 'azure-openai', input: 'hello' })).status).toBe(200);
    expect(h.upstream.requests[0].url).toBe('/openai/deployments/prod-gpt4o/embeddings?api-version=2024-10-21');
    expect(h.upstream.requests[0].headers['api-key']).toBe(UPSTREAM_KEY);
  });

  it('maps Gemini batchEmbedContents both ways and estimates its unreported usage', async () => {
    h.upstream.enqueue({ file: 'gemini/embeddings.json' });
    const response = await h.post('/v1/embeddings', { model: 'gemini', input: ['hello', 'world'], dimensions: 3 });
    const body = await response.json();
    expect(body.data).toEqual([
      { object: 'embedding', index: 0, embedding: [0.0123, -0.0456, 0.0789] },
      { object: 'embedding', index: 1, embedding: [-0.0111, 0.0222, -0.0333] },
    ]);
    expect(h.upstream.requests[0].url).toBe('/v1beta/models/gemini-2.5-flash:batchEmbedContents');
    expect(h.upstream.requests[0].body.requests[1]).toEqual({
      model: 'models/gemini-2.5-flash',
      content: { parts: [{ text: 'world' }] },
      outputDimensionality: 3,
    });
    expect((await h.usageOf(response))[0]).toMatchObject({ completionTokens: 0, estimated: true });
  });

  it('maps Cohere v2 embed both ways, billed units as usage', async () => {
    h.upstream.enqueue({ file: 'cohere/embeddings.json' });
    const response = await h.post('/v1/embeddings', { model: 'cohere', input: ['hello', 'goodbye'] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ object: 'list', model: 'command-a-03-2025', usage: { prompt_tokens: 2 } });
    expect(body.data.map((d: any) => d.embedding)).toEqual([
      [0.016296387, -0.008354187, -0.04699707],
      [-0.0028266907, 0.0025539398, 0.012664795],
    ]);
    expect(h.upstream.requests[0]).toMatchObject({
      url: '/v2/embed',
      body: { model: 'command-a-03-2025', texts: ['hello', 'goodbye'], input_type: 'search_document', embedding_types: ['float'] },
    });
    expect((await h.usageOf(response))[0]).toMatchObject({ promptTokens: 2, completionTokens: 0, estimated: false });
  });

  it('embeds through Mistral at its OpenAI-shaped endpoint', async () => {
    h.upstream.enqueue({ file: 'mistral/embeddings.json' });
    const response = await h.post('/v1/embeddings', { model: 'mistral', input: 'hello' });
    expect(response.status).toBe(200);
    expect((await response.json()).data[0].embedding).toEqual([-0.0165863037109375, 0.07012939453125, 0.031494140625]);
    expect(h.upstream.requests[0]).toMatchObject({ url: '/v1/embeddings', body: { model: 'mistral-large-latest', input: 'hello' } });
    expect((await h.usageOf(response))[0]).toMatchObject({ promptTokens: 6, estimated: false });
  });

  it('embeds deterministically on the mock', async () => {
    const one = await (await h.post('/v1/embeddings', { model: 'mock', input: 'same' })).json();
    const two = await (await h.post('/v1/embeddings', { model: 'mock', input: 'same', encoding_format: 'float' })).json();
    expect(one.data[0].embedding).toHaveLength(8);
    expect(one.data[0].embedding).toEqual(two.data[0].embedding);
  });

  it('refuses a provider without embeddings, and a bad input, with 400', async () => {
    const anthropic = await h.post('/v1/embeddings', { model: 'anthropic', input: 'hello' });
    expect(anthropic.status).toBe(400);
    expect((await anthropic.json()).error).toMatchObject({ code: 'unsupported_endpoint', param: 'model' });
    const bad = await h.post('/v1/embeddings', { model: 'mock', input: 42 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe('input');
    expect(h.upstream.requests).toHaveLength(0);
  });
});

describe('POST /v1/completions', () => {
  it('passes a legacy completion through, whole', async () => {
    h.upstream.enqueue({ file: 'openai/text-completion.json' });
    const response = await h.post('/v1/completions', { model: 'openai', prompt: 'Say this is a test', max_tokens: 7 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: 'text_completion', choices: [{ text: '\n\nThis is indeed a test' }] });
    expect(h.upstream.requests[0]).toMatchObject({ url: '/v1/completions', body: { model: 'gpt-4o-mini', prompt: 'Say this is a test' } });
    expect((await h.usageOf(response))[0]).toMatchObject({ promptTokens: 5, completionTokens: 7, estimated: false });
  });

  it('streams a legacy completion with usage requested upstream', async () => {
    h.upstream.enqueue({ file: 'openai/text-completion.sse', sliceBytes: 3 });
    const response = await h.post('/v1/completions', { model: 'openai', prompt: 'Say this is a test', stream: true, stream_options: { include_usage: true } });
    const frames = sseFrames(await response.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('\n\nThis is indeed a test');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 7 } });
    expect(h.upstream.requests[0].body.stream_options).toEqual({ include_usage: true });
    expect((await h.usageOf(response))[0]).toMatchObject({ promptTokens: 5, completionTokens: 7, streamed: true });
  });

  it.each(['anthropic', 'gemini', 'mistral', 'cohere', 'mock'])('refuses %s with 400 unsupported_endpoint', async (model) => {
    const response = await h.post('/v1/completions', { model, prompt: 'hi' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('unsupported_endpoint');
  });
});

describe('features a provider cannot serve', () => {
  it.each([
    ['anthropic', { n: 2 }, 'n'],
    ['anthropic', { response_format: { type: 'json_object' } }, 'response_format'],
    ['anthropic', { logprobs: true }, 'logprobs'],
    ['gemini', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }, 'messages[0].content[0]'],
  ])('%s refuses %j with 400 naming the parameter, before calling the upstream', async (model, extra, param) => {
    const response = await h.post('/v1/chat/completions', { model, messages, ...extra });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_parameter', param });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('gemini maps n and JSON mode to candidateCount and responseMimeType', async () => {
    h.upstream.enqueue({ file: 'gemini/text.json' });
    const response = await h.post('/v1/chat/completions', {
      model: 'gemini',
      messages,
      n: 2,
      response_format: { type: 'json_object' },
      max_tokens: 50,
      stop: 'END',
    });
    expect(response.status).toBe(200);
    expect(h.upstream.requests[0].body.generationConfig).toEqual({
      candidateCount: 2,
      responseMimeType: 'application/json',
      maxOutputTokens: 50,
      stopSequences: ['END'],
    });
  });
});

describe('GET /v1/models', () => {
  it('lists what the key may use, whatever the provider kind', async () => {
    const body = await (await h.get('/v1/models')).json();
    expect(body.data.map((entry: { id: string }) => entry.id).sort()).toEqual([
      'anthropic',
      'azure-openai',
      'bedrock',
      'cohere',
      'gemini',
      'mistral',
      'mock',
      'openai',
      'openai-compatible',
      'vertex',
      'vertex-anthropic',
    ]);
  });
});
