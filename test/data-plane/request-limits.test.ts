import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_LIMITS as L } from '../../data-plane/validation/request-limits.ts';
import { deployment, model, provider } from '../support/snapshot-fixture.ts';
import { type ProviderHarness, startProviderHarness } from './providers/provider-harness.ts';

/**
 * Every count and size a request body may carry is bounded (issue 11, items 1, 2 and 10): one
 * over the bound is a 400 naming the parameter, before any upstream or the mock sees it; exactly
 * the bound is served. Deep nesting is refused before parsing; top-level fields the OpenAI spec
 * does not define are refused unless the deployment allow-lists them.
 */
let h: ProviderHarness;
const BODY_LIMIT = 4 * 1024 * 1024;

beforeAll(async () => {
  h = await startProviderHarness({
    mocks: { echo: 'mock://' },
    maxBodyBytes: BODY_LIMIT,
    extra: (origin, credential) => ({
      providers: [provider({ id: 'p-vllm', name: 'vllm', kind: 'openai-compatible', baseUrl: `${origin}/v1`, seal: credential })],
      models: [
        model({
          id: 'm-vllm',
          name: 'vllm-llama',
          capabilities: { streaming: true, tools: true, embeddings: true },
          deployments: [
            deployment({ id: 'd-vllm', providerId: 'p-vllm', upstreamModel: 'llama', extraParameters: ['top_k', 'repetition_penalty', 'guided_json'] }),
          ],
        }),
      ],
    }),
  });
});
afterAll(() => h.close());
beforeEach(() => h.upstream.reset());

const chat = (fields: Record<string, unknown> = {}) => ({ model: 'echo', messages: [{ role: 'user', content: 'hi' }], ...fields });
const repeat = <T>(count: number, item: (index: number) => T) => Array.from({ length: count }, (_, index) => item(index));
const entries = (count: number, value: (index: number) => unknown) => Object.fromEntries(repeat(count, (i) => [String(i), value(i)]));
const text = (length: number) => 'x'.repeat(length);
const tool = (i: number) => ({ type: 'function', function: { name: `f${i}`, parameters: { type: 'object', properties: {} } } });

async function expectRefused(path: string, body: unknown, param: string | null, code: string) {
  const response = await h.post(path, body);
  const { error } = (await response.json()) as { error: { code: string; param: string | null; type: string; message: string } };
  expect({ status: response.status, code: error.code, param: error.param, type: error.type }).toEqual({
    status: 400,
    code,
    param,
    type: 'invalid_request_error',
  });
  expect(h.upstream.requests).toHaveLength(0);
  return error.message;
}

describe('bounded counts and sizes, at the bound and one over', () => {
  // [what, body at the bound, body one over, param, code]
  const chatCases: [string, Record<string, unknown>, Record<string, unknown>, string, string][] = [
    ['n', chat({ n: L.choices }), chat({ n: L.choices + 1 }), 'n', 'integer_above_max_value'],
    [
      'messages',
      chat({ messages: repeat(L.messages, () => ({ role: 'user', content: 'hi' })) }),
      chat({ messages: repeat(L.messages + 1, () => ({ role: 'user', content: 'hi' })) }),
      'messages',
      'array_above_max_length',
    ],
    [
      'content parts',
      chat({ messages: [{ role: 'user', content: repeat(L.contentParts, () => ({ type: 'text', text: 'a' })) }] }),
      chat({ messages: [{ role: 'user', content: repeat(L.contentParts + 1, () => ({ type: 'text', text: 'a' })) }] }),
      'messages[0].content',
      'array_above_max_length',
    ],
    [
      'tool calls of a message',
      chat({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: 'ok',
            tool_calls: repeat(L.toolCallsPerMessage, (i) => ({ id: `c${i}`, type: 'function', function: { name: 'f', arguments: '{}' } })),
          },
          { role: 'user', content: 'hi' },
        ],
      }),
      chat({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: 'ok',
            tool_calls: repeat(L.toolCallsPerMessage + 1, (i) => ({ id: `c${i}`, type: 'function', function: { name: 'f', arguments: '{}' } })),
          },
        ],
      }),
      'messages[1].tool_calls',
      'array_above_max_length',
    ],
    ['tools', chat({ tools: repeat(L.tools, tool) }), chat({ tools: repeat(L.tools + 1, tool) }), 'tools', 'array_above_max_length'],
    [
      'functions',
      chat({ functions: repeat(L.tools, (i) => tool(i).function) }),
      chat({ functions: repeat(L.tools + 1, (i) => tool(i).function) }),
      'functions',
      'array_above_max_length',
    ],
    [
      'stop',
      chat({ stop: repeat(L.stopSequences, (i) => `s${i}`) }),
      chat({ stop: repeat(L.stopSequences + 1, (i) => `s${i}`) }),
      'stop',
      'array_above_max_length',
    ],
    [
      'logit_bias',
      chat({ logit_bias: entries(L.logitBiasEntries, () => 1) }),
      chat({ logit_bias: entries(L.logitBiasEntries + 1, () => 1) }),
      'logit_bias',
      'object_above_max_properties',
    ],
    ['user', chat({ user: text(L.userChars) }), chat({ user: text(L.userChars + 1) }), 'user', 'string_above_max_length'],
    [
      'safety_identifier',
      chat({ safety_identifier: text(L.safetyIdentifierChars) }),
      chat({ safety_identifier: text(L.safetyIdentifierChars + 1) }),
      'safety_identifier',
      'string_above_max_length',
    ],
    [
      'metadata pairs',
      chat({ metadata: entries(L.metadataPairs, () => 'v') }),
      chat({ metadata: entries(L.metadataPairs + 1, () => 'v') }),
      'metadata',
      'object_above_max_properties',
    ],
    [
      'a metadata key',
      chat({ metadata: { [text(L.metadataKeyChars)]: 'v' } }),
      chat({ metadata: { [text(L.metadataKeyChars + 1)]: 'v' } }),
      'metadata',
      'string_above_max_length',
    ],
    [
      'a metadata value',
      chat({ metadata: { k: text(L.metadataValueChars) } }),
      chat({ metadata: { k: text(L.metadataValueChars + 1) } }),
      'metadata.k',
      'string_above_max_length',
    ],
    [
      'top_logprobs',
      chat({ logprobs: true, top_logprobs: L.topLogprobs }),
      chat({ logprobs: true, top_logprobs: L.topLogprobs + 1 }),
      'top_logprobs',
      'integer_above_max_value',
    ],
    ['max_tokens', chat({ max_tokens: L.maxTokens }), chat({ max_tokens: L.maxTokens + 1 }), 'max_tokens', 'integer_above_max_value'],
    [
      'max_completion_tokens',
      chat({ max_completion_tokens: L.maxTokens }),
      chat({ max_completion_tokens: L.maxTokens + 1 }),
      'max_completion_tokens',
      'integer_above_max_value',
    ],
  ];

  it.each(chatCases)('chat %s', async (_what, atBound, over, param, code) => {
    const message = await expectRefused('/v1/chat/completions', over, param, code);
    expect(message).toContain(`'${param}'`);
    const served = await h.post('/v1/chat/completions', atBound);
    expect(served.status, await served.clone().text()).toBe(200);
  });

  it('chat model name', async () => {
    await expectRefused('/v1/chat/completions', chat({ model: text(L.modelChars + 1) }), 'model', 'string_above_max_length');
    await expectRefused('/v1/chat/completions', chat({ model: '' }), 'model', 'empty_string');
  });

  it('answers a huge n at once, without allocating for it (the mock served 1e9 choices before)', async () => {
    const started = performance.now();
    const message = await expectRefused('/v1/chat/completions', chat({ n: 1_000_000_000 }), 'n', 'integer_above_max_value');
    expect(message).toBe("Invalid 'n': integer above maximum value. Expected a value <= 128, but got 1000000000 instead.");
    expect(performance.now() - started).toBeLessThan(500);
    const streamed = await expectRefused('/v1/chat/completions', chat({ n: 1_000_000, stream: true }), 'n', 'integer_above_max_value');
    expect(streamed).toContain('<= 128');
  });

  const prompt = 'Say this is a test';
  const completionCases: [string, Record<string, unknown>, Record<string, unknown>, string, string][] = [
    ['n', { n: L.choices }, { n: L.choices + 1 }, 'n', 'integer_above_max_value'],
    ['best_of', { best_of: L.bestOf }, { best_of: L.bestOf + 1 }, 'best_of', 'integer_above_max_value'],
    ['logprobs', { logprobs: L.completionLogprobs }, { logprobs: L.completionLogprobs + 1 }, 'logprobs', 'integer_above_max_value'],
    ['prompt items', { prompt: repeat(L.inputItems, () => 'a') }, { prompt: repeat(L.inputItems + 1, () => 'a') }, 'prompt', 'array_above_max_length'],
    ['token prompts', { prompt: repeat(L.inputItems, () => [1, 2]) }, { prompt: repeat(L.inputItems + 1, () => [1, 2]) }, 'prompt', 'array_above_max_length'],
    ['stop', { stop: repeat(L.stopSequences, String) }, { stop: repeat(L.stopSequences + 1, String) }, 'stop', 'array_above_max_length'],
    [
      'logit_bias',
      { logit_bias: entries(L.logitBiasEntries, () => 1) },
      { logit_bias: entries(L.logitBiasEntries + 1, () => 1) },
      'logit_bias',
      'object_above_max_properties',
    ],
    ['user', { user: text(L.userChars) }, { user: text(L.userChars + 1) }, 'user', 'string_above_max_length'],
    ['max_tokens', { max_tokens: L.maxTokens }, { max_tokens: L.maxTokens + 1 }, 'max_tokens', 'integer_above_max_value'],
  ];

  it.each(completionCases)('completions %s', async (_what, atBound, over, param, code) => {
    await expectRefused('/v1/completions', { model: 'openai', prompt, ...over }, param, code);
    h.upstream.enqueue({ file: 'openai/text-completion.json' });
    const served = await h.post('/v1/completions', { model: 'openai', prompt, ...atBound });
    expect(served.status, await served.clone().text()).toBe(200);
  });

  const embeddingCases: [string, Record<string, unknown>, Record<string, unknown>, string, string][] = [
    ['inputs', { input: repeat(L.inputItems, () => 'a') }, { input: repeat(L.inputItems + 1, () => 'a') }, 'input', 'array_above_max_length'],
    ['token inputs', { input: repeat(L.inputItems, () => [1]) }, { input: repeat(L.inputItems + 1, () => [1]) }, 'input', 'array_above_max_length'],
    ['one token array', { input: repeat(L.inputItems, (i) => i) }, { input: repeat(L.inputItems + 1, (i) => i) }, 'input', 'array_above_max_length'],
    ['dimensions', { input: 'a', dimensions: L.dimensions }, { input: 'a', dimensions: L.dimensions + 1 }, 'dimensions', 'integer_above_max_value'],
    ['user', { input: 'a', user: text(L.userChars) }, { input: 'a', user: text(L.userChars + 1) }, 'user', 'string_above_max_length'],
  ];

  it.each(embeddingCases)('embeddings %s', async (_what, atBound, over, param, code) => {
    await expectRefused('/v1/embeddings', { model: 'openai', ...over }, param, code);
    h.upstream.enqueue({ file: 'openai/embeddings.json' });
    const served = await h.post('/v1/embeddings', { model: 'openai', ...atBound });
    expect(served.status, await served.clone().text()).toBe(200);
  });

  it('refuses mixed embedding inputs, which the token estimate cannot read', async () => {
    await expectRefused('/v1/embeddings', { model: 'openai', input: ['a', 1] }, 'input', 'invalid_type');
    await expectRefused('/v1/embeddings', { model: 'echo', input: [] }, 'input', 'empty_array');
  });
});

describe('nesting depth', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const raw = (path: string, body: string) =>
    fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer tg_providers_key_00000000000000000000000` },
      body,
    });

  it.each([
    ['an unknown field', (depth: number) => `{"model":"echo","messages":[{"role":"user","content":"hi"}],"x":${nested(depth)}}`],
    ['a message part', (depth: number) => `{"model":"echo","messages":[{"role":"user","content":[{"type":"text","text":"hi","x":${nested(depth)}}]}]}`],
    [
      'a tool schema',
      (depth: number) =>
        `{"model":"echo","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${nested(depth)}}}]}`,
    ],
  ])('refuses 100,000 levels in %s with a 400, and keeps serving', async (_where, body) => {
    for (const depth of [65, 100_000]) {
      const response = await raw('/v1/chat/completions', body(depth));
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({ code: 'nesting_too_deep', type: 'invalid_request_error' });
    }
    const fine = await h.post('/v1/chat/completions', chat());
    expect(fine.status).toBe(200);
  });

  it('refuses deep bodies on every endpoint, before the model is even looked up', async () => {
    for (const path of ['/v1/embeddings', '/v1/completions']) {
      const response = await raw(path, `{"model":"nope","input":${nested(1_000)},"prompt":"x"}`);
      expect((await response.json()).error.code).toBe('nesting_too_deep');
    }
  });
});

describe('unknown top-level parameters', () => {
  const smuggled = [
    'extra_body',
    'extra_query',
    'litellm_params',
    'mock_response',
    'fallbacks',
    'provider',
    'deployment_id',
    'engine',
    'apiBase',
    'baseURL',
    'top_k',
  ];

  it.each(smuggled)("refuses %s on every endpoint with OpenAI's unknown_parameter", async (name) => {
    const value = { any: 'thing' };
    const chatMessage = await expectRefused(
      '/v1/chat/completions',
      { model: 'openai', messages: [{ role: 'user', content: 'hi' }], [name]: value },
      name,
      'unknown_parameter',
    );
    expect(chatMessage).toBe(`Unrecognized request argument supplied: ${name}`);
    await expectRefused('/v1/completions', { model: 'openai', prompt: 'hi', [name]: value }, name, 'unknown_parameter');
    await expectRefused('/v1/embeddings', { model: 'openai', input: 'hi', [name]: value }, name, 'unknown_parameter');
  });

  it('forwards what the spec defines, nothing else', async () => {
    h.upstream.enqueue({ file: 'openai/text.json' });
    const response = await h.post('/v1/chat/completions', {
      model: 'openai',
      messages: [{ role: 'user', content: 'hi' }],
      seed: 7,
      service_tier: 'auto',
      store: true,
      metadata: { a: 'b' },
    });
    expect(response.status).toBe(200);
    // `metadata` goes with `store: true` only (OpenAI refuses it otherwise).
    expect(h.upstream.requests[0].body).toMatchObject({ seed: 7, service_tier: 'auto', store: true, metadata: { a: 'b' } });
  });

  it("accepts and forwards a deployment's allow-listed extras, and still refuses the rest", async () => {
    h.upstream.enqueue({ file: 'openai/text.json' });
    const extras = { top_k: 40, repetition_penalty: 1.1, guided_json: { type: 'object' } };
    const response = await h.post('/v1/chat/completions', { model: 'vllm-llama', messages: [{ role: 'user', content: 'hi' }], ...extras });
    expect(response.status).toBe(200);
    expect(h.upstream.requests[0].body).toMatchObject({ model: 'llama', ...extras });
    h.upstream.reset();
    await expectRefused(
      '/v1/chat/completions',
      { model: 'vllm-llama', messages: [{ role: 'user', content: 'hi' }], top_k: 40, litellm_params: {} },
      'litellm_params',
      'unknown_parameter',
    );
    // An allow-list never opens the fields that pick the upstream.
    await expectRefused(
      '/v1/chat/completions',
      { model: 'vllm-llama', messages: [{ role: 'user', content: 'hi' }], api_base: 'http://evil.example' },
      'api_base',
      'forbidden_parameter',
    );
  });

  it('allows the extras on embeddings and legacy completions too', async () => {
    h.upstream.enqueue({ file: 'openai/embeddings.json' }, { file: 'openai/text-completion.json' });
    expect((await h.post('/v1/embeddings', { model: 'vllm-llama', input: 'hi', top_k: 3 })).status).toBe(200);
    expect((await h.post('/v1/completions', { model: 'vllm-llama', prompt: 'hi', repetition_penalty: 1.2 })).status).toBe(200);
    expect(h.upstream.requests.map((request) => request.body)).toMatchObject([{ top_k: 3 }, { repetition_penalty: 1.2 }]);
  });
});
