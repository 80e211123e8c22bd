import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderKind } from '../../../shared/snapshot/schema.ts';
import type { RecordedFixtureRequest } from '../../support/fake-fixture-upstream.ts';
import {
  AWS_ACCESS_KEY_ID,
  accumulate,
  BEDROCK_REGION,
  type ProviderHarness,
  readChatStream,
  sseFrames,
  startProviderHarness,
  UPSTREAM_KEY,
  UPSTREAM_MODELS,
  VERTEX_ANTHROPIC_MODEL,
  VERTEX_LOCATION,
  WEATHER_TOOL,
} from './provider-harness.ts';

/**
 * The provider contract: every HTTP adapter, through the real uWS data plane, against its
 * provider's recorded wire fixtures (test/fixtures/providers). The mock adapter has its own
 * suite (mock.test.ts): it has no wire.
 */

const TEXT = 'Hello! Grüße aus 東京 👋';
const WEATHER_ARGS = { location: 'San Francisco, CA', unit: 'celsius' };

interface Tokens {
  promptTokens: number;
  completionTokens: number;
}

interface ErrorCase {
  file: string;
  /** What the provider answers on the wire. */
  wireStatus: number;
  status: number;
  code: string;
  /** A piece of the provider's message the client should see (never for auth failures). */
  says?: string;
  /** More response headers (Bedrock names its error in `x-amzn-errortype`). */
  headers?: Record<string, string>;
}

interface ContractCase {
  kind: Exclude<ProviderKind, 'mock'>;
  /** The public model to ask for; the kind's own model (named as the kind) unless given. */
  model?: string;
  text: { json: string; sse: string; usage: Tokens };
  tool: { json: string; sse: string; usage: Tokens; finishReason: string };
  errors: ErrorCase[];
  midStream: string;
  /** Checks the mapped request: endpoint, credential header, usage requested on streams, tools. */
  wire(request: RecordedFixtureRequest, stream: boolean): void;
  wireTools(body: any): void;
}

const openAIWire = (request: RecordedFixtureRequest, stream: boolean, model: string) => {
  expect(request.url).toBe('/v1/chat/completions');
  expect(request.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  expect(request.body.model).toBe(model);
  if (stream) expect(request.body.stream_options).toEqual({ include_usage: true });
};

const openAIErrors = (dir: string): ErrorCase[] => [
  {
    file: `${dir}/error-400.json`,
    wireStatus: 400,
    status: 400,
    code: 'upstream_rejected_request',
    says: dir === 'openai' ? "Invalid value for 'temperature'" : 'content management policy',
  },
  { file: `${dir}/error-401.json`, wireStatus: 401, status: 502, code: 'upstream_auth_failed' },
  { file: `${dir}/error-429.json`, wireStatus: 429, status: 429, code: 'upstream_rate_limited', says: 'rate limit' },
  { file: `${dir}/error-500.json`, wireStatus: 500, status: 502, code: 'upstream_error', says: 'The server had an error' },
];

const openAIBase = {
  text: { json: 'openai/text.json', sse: 'openai/text.sse', usage: { promptTokens: 12, completionTokens: 15 } },
  tool: { json: 'openai/tool-call.json', sse: 'openai/tool-call.sse', usage: { promptTokens: 84, completionTokens: 22 }, finishReason: 'tool_calls' },
  errors: openAIErrors('openai'),
  midStream: 'openai/mid-stream-error.sse',
  wireTools: (body: any) => expect(body.tools).toEqual([WEATHER_TOOL]),
};

const CASES: ContractCase[] = [
  { kind: 'openai', ...openAIBase, wire: (request, stream) => openAIWire(request, stream, UPSTREAM_MODELS.openai) },
  { kind: 'openai-compatible', ...openAIBase, wire: (request, stream) => openAIWire(request, stream, UPSTREAM_MODELS['openai-compatible']) },
  {
    kind: 'azure-openai',
    ...openAIBase,
    text: { json: 'azure-openai/text.json', sse: 'azure-openai/text.sse', usage: { promptTokens: 12, completionTokens: 15 } },
    errors: openAIErrors('azure-openai'),
    wire(request, stream) {
      expect(request.url).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
      expect(request.headers['api-key']).toBe(UPSTREAM_KEY);
      expect(request.headers.authorization).toBeUndefined();
      if (stream) expect(request.body.stream_options).toEqual({ include_usage: true });
    },
  },
  {
    kind: 'anthropic',
    text: { json: 'anthropic/text.json', sse: 'anthropic/text.sse', usage: { promptTokens: 12, completionTokens: 15 } },
    tool: { json: 'anthropic/tool-call.json', sse: 'anthropic/tool-call.sse', usage: { promptTokens: 472, completionTokens: 89 }, finishReason: 'tool_calls' },
    errors: [
      { file: 'anthropic/error-400.json', wireStatus: 400, status: 400, code: 'upstream_rejected_request', says: 'max_tokens: 300000 > 64000' },
      { file: 'anthropic/error-401.json', wireStatus: 401, status: 502, code: 'upstream_auth_failed' },
      { file: 'anthropic/error-429.json', wireStatus: 429, status: 429, code: 'upstream_rate_limited', says: 'exceed the rate limit' },
      { file: 'anthropic/error-500.json', wireStatus: 500, status: 502, code: 'upstream_error', says: 'Internal server error' },
      { file: 'anthropic/error-529.json', wireStatus: 529, status: 503, code: 'upstream_unavailable', says: 'Overloaded' },
    ],
    midStream: 'anthropic/mid-stream-error.sse',
    wire(request, stream) {
      expect(request.url).toBe('/v1/messages');
      expect(request.headers['x-api-key']).toBe(UPSTREAM_KEY);
      expect(request.headers['anthropic-version']).toBe('2023-06-01');
      expect(request.body).toMatchObject({
        model: UPSTREAM_MODELS.anthropic,
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
      });
      expect(request.body.max_tokens).toBeGreaterThan(0);
      // Anthropic always streams usage (message_start / message_delta): nothing to ask for.
      expect(request.body.stream).toBe(stream ? true : undefined);
    },
    wireTools: (body) =>
      expect(body.tools).toEqual([{ name: 'get_weather', description: WEATHER_TOOL.function.description, input_schema: WEATHER_TOOL.function.parameters }]),
  },
  {
    kind: 'gemini',
    text: { json: 'gemini/text.json', sse: 'gemini/text.sse', usage: { promptTokens: 9, completionTokens: 15 } },
    tool: { json: 'gemini/tool-call.json', sse: 'gemini/tool-call.sse', usage: { promptTokens: 61, completionTokens: 70 }, finishReason: 'tool_calls' },
    errors: [
      { file: 'gemini/error-400.json', wireStatus: 400, status: 400, code: 'upstream_rejected_request', says: 'temperature: must be between 0 and 2' },
      { file: 'gemini/error-401.json', wireStatus: 400, status: 502, code: 'upstream_auth_failed' },
      { file: 'gemini/error-429.json', wireStatus: 429, status: 429, code: 'upstream_rate_limited', says: 'exceeded your current quota' },
      { file: 'gemini/error-500.json', wireStatus: 500, status: 502, code: 'upstream_error', says: 'An internal error has occurred' },
    ],
    midStream: 'gemini/mid-stream-cut.sse',
    wire(request, stream) {
      expect(request.url).toBe(stream ? '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse' : '/v1beta/models/gemini-2.5-flash:generateContent');
      expect(request.headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
      expect(request.body).toMatchObject({
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      });
    },
    wireTools: (body) =>
      expect(body.tools).toEqual([
        {
          functionDeclarations: [
            { name: 'get_weather', description: WEATHER_TOOL.function.description, parametersJsonSchema: WEATHER_TOOL.function.parameters },
          ],
        },
      ]),
  },
  {
    kind: 'mistral',
    text: { json: 'mistral/text.json', sse: 'mistral/text.sse', usage: { promptTokens: 12, completionTokens: 15 } },
    tool: { json: 'mistral/tool-call.json', sse: 'mistral/tool-call.sse', usage: { promptTokens: 84, completionTokens: 22 }, finishReason: 'tool_calls' },
    errors: [
      { file: 'mistral/error-400.json', wireStatus: 400, status: 400, code: 'upstream_rejected_request', says: 'Invalid model' },
      { file: 'mistral/error-401.json', wireStatus: 401, status: 502, code: 'upstream_auth_failed' },
      { file: 'mistral/error-429.json', wireStatus: 429, status: 429, code: 'upstream_rate_limited', says: 'rate limit exceeded' },
      { file: 'mistral/error-500.json', wireStatus: 500, status: 502, code: 'upstream_error', says: 'Internal server error' },
    ],
    midStream: 'mistral/mid-stream-cut.sse',
    wire(request, stream) {
      expect(request.url).toBe('/v1/chat/completions');
      expect(request.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(request.body).toMatchObject({ model: UPSTREAM_MODELS.mistral, stream, messages });
      // Mistral refuses fields it does not know and always streams usage: nothing to ask for.
      expect(request.body.stream_options).toBeUndefined();
    },
    wireTools: (body) => expect(body.tools).toEqual([WEATHER_TOOL]),
  },
  {
    kind: 'cohere',
    text: { json: 'cohere/text.json', sse: 'cohere/text.sse', usage: { promptTokens: 12, completionTokens: 15 } },
    tool: { json: 'cohere/tool-call.json', sse: 'cohere/tool-call.sse', usage: { promptTokens: 84, completionTokens: 22 }, finishReason: 'tool_calls' },
    errors: [
      { file: 'cohere/error-400.json', wireStatus: 400, status: 400, code: 'upstream_rejected_request', says: 'invalid request' },
      { file: 'cohere/error-401.json', wireStatus: 401, status: 502, code: 'upstream_auth_failed' },
      { file: 'cohere/error-429.json', wireStatus: 429, status: 429, code: 'upstream_rate_limited', says: 'request limit' },
      { file: 'cohere/error-500.json', wireStatus: 500, status: 502, code: 'upstream_error', says: 'internal server error' },
    ],
    midStream: 'cohere/mid-stream-cut.sse',
    wire(request, stream) {
      expect(request.url).toBe('/v2/chat');
      expect(request.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(request.body).toEqual({
        model: UPSTREAM_MODELS.cohere,
        stream,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
      });
    },
    wireTools: (body) => expect(body.tools).toEqual([WEATHER_TOOL]),
  },
  {
    kind: 'bedrock',
    text: { json: 'bedrock/text.json', sse: 'bedrock/text.eventstream.json', usage: { promptTokens: 12, completionTokens: 15 } },
    // 412 uncached input tokens + 60 read from the prompt cache.
    tool: {
      json: 'bedrock/tool-call.json',
      sse: 'bedrock/tool-call.eventstream.json',
      usage: { promptTokens: 472, completionTokens: 58 },
      finishReason: 'tool_calls',
    },
    errors: [
      bedrockError('error-400.json', 400, 'ValidationException', 400, 'upstream_rejected_request', 'Malformed input request'),
      bedrockError('error-403.json', 403, 'UnrecognizedClientException', 502, 'upstream_auth_failed'),
      bedrockError('error-429.json', 429, 'ThrottlingException', 429, 'upstream_rate_limited', 'Too many requests'),
      bedrockError('error-500.json', 500, 'InternalServerException', 502, 'upstream_error', 'unexpected error'),
      bedrockError('error-503.json', 503, 'ServiceUnavailableException', 503, 'upstream_unavailable', 'temporarily unable'),
      bedrockError('error-model-not-ready.json', 429, 'ModelNotReadyException', 503, 'upstream_unavailable', 'Model is not ready'),
    ],
    midStream: 'bedrock/mid-stream-error.eventstream.json',
    wire(request, stream) {
      const model = encodeURIComponent(UPSTREAM_MODELS.bedrock);
      expect(request.url).toBe(`/model/${model}/${stream ? 'converse-stream' : 'converse'}`);
      expect(request.headers.authorization).toMatch(
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${AWS_ACCESS_KEY_ID}/\\d{8}/${BEDROCK_REGION}/bedrock/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`,
        ),
      );
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(request.body).toEqual({ messages: [{ role: 'user', content: [{ text: 'Say hello' }] }], system: [{ text: 'Be brief.' }] });
    },
    wireTools: (body) =>
      expect(body.toolConfig).toEqual({
        tools: [{ toolSpec: { name: 'get_weather', description: WEATHER_TOOL.function.description, inputSchema: { json: WEATHER_TOOL.function.parameters } } }],
      }),
  },
  {
    kind: 'vertex',
    text: { json: 'gemini/text.json', sse: 'gemini/text.sse', usage: { promptTokens: 9, completionTokens: 15 } },
    tool: { json: 'gemini/tool-call.json', sse: 'gemini/tool-call.sse', usage: { promptTokens: 61, completionTokens: 70 }, finishReason: 'tool_calls' },
    errors: [
      { file: 'gemini/error-400.json', wireStatus: 400, status: 400, code: 'upstream_rejected_request', says: 'temperature: must be between 0 and 2' },
      { file: 'vertex/error-401.json', wireStatus: 401, status: 502, code: 'upstream_auth_failed' },
      { file: 'vertex/error-429.json', wireStatus: 429, status: 429, code: 'upstream_rate_limited', says: 'Quota exceeded' },
      { file: 'gemini/error-500.json', wireStatus: 500, status: 502, code: 'upstream_error', says: 'An internal error has occurred' },
    ],
    midStream: 'gemini/mid-stream-cut.sse',
    wire(request, stream) {
      const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      expect(request.url).toBe(`/v1/projects/tollgate-test-project/locations/${VERTEX_LOCATION}/publishers/google/models/gemini-2.5-flash:${method}`);
      expect(request.headers.authorization).toMatch(/^Bearer ya29\.fake-token-\d+$/);
      expect(request.headers['x-goog-api-key']).toBeUndefined();
      expect(request.body).toMatchObject({
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      });
    },
    wireTools: (body) =>
      expect(body.tools).toEqual([
        {
          functionDeclarations: [
            { name: 'get_weather', description: WEATHER_TOOL.function.description, parametersJsonSchema: WEATHER_TOOL.function.parameters },
          ],
        },
      ]),
  },
  {
    kind: 'vertex',
    model: 'vertex-anthropic',
    text: { json: 'anthropic/text.json', sse: 'anthropic/text.sse', usage: { promptTokens: 12, completionTokens: 15 } },
    tool: { json: 'anthropic/tool-call.json', sse: 'anthropic/tool-call.sse', usage: { promptTokens: 472, completionTokens: 89 }, finishReason: 'tool_calls' },
    errors: [
      { file: 'anthropic/error-400.json', wireStatus: 400, status: 400, code: 'upstream_rejected_request', says: 'max_tokens: 300000 > 64000' },
      { file: 'vertex/error-401.json', wireStatus: 401, status: 502, code: 'upstream_auth_failed' },
      { file: 'anthropic/error-429.json', wireStatus: 429, status: 429, code: 'upstream_rate_limited', says: 'exceed the rate limit' },
      { file: 'anthropic/error-500.json', wireStatus: 500, status: 502, code: 'upstream_error', says: 'Internal server error' },
      { file: 'anthropic/error-529.json', wireStatus: 529, status: 503, code: 'upstream_unavailable', says: 'Overloaded' },
    ],
    midStream: 'anthropic/mid-stream-error.sse',
    wire(request, stream) {
      const method = stream ? 'streamRawPredict' : 'rawPredict';
      expect(request.url).toBe(
        `/v1/projects/tollgate-test-project/locations/${VERTEX_LOCATION}/publishers/anthropic/models/${VERTEX_ANTHROPIC_MODEL}:${method}`,
      );
      expect(request.headers.authorization).toMatch(/^Bearer ya29\.fake-token-\d+$/);
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(request.headers['anthropic-version']).toBeUndefined();
      expect(request.body).toMatchObject({
        anthropic_version: 'vertex-2023-10-16',
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
      });
      // The URL names the model on Vertex.
      expect(request.body.model).toBeUndefined();
      expect(request.body.stream).toBe(stream ? true : undefined);
    },
    wireTools: (body) =>
      expect(body.tools).toEqual([{ name: 'get_weather', description: WEATHER_TOOL.function.description, input_schema: WEATHER_TOOL.function.parameters }]),
  },
];

const NAMED_CASES = CASES.map((c) => ({ ...c, model: c.model ?? c.kind }));

function bedrockError(file: string, wireStatus: number, errorType: string, status: number, code: string, says?: string): ErrorCase {
  const headers = {
    'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': 'b7c2a9e4-0000-4000-8000-00000000e404',
  };
  return { file: `bedrock/${file}`, wireStatus, status, code, says, headers };
}

let h: ProviderHarness;
beforeAll(async () => {
  h = await startProviderHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hello' },
];

describe.each(NAMED_CASES)('provider contract: $model', (c) => {
  it('answers a plain completion, with the provider usage', async () => {
    h.upstream.enqueue({ file: c.text.json });
    const response = await h.post('/v1/chat/completions', { model: c.model, messages });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }] });
    expect(body.usage).toMatchObject({ prompt_tokens: c.text.usage.promptTokens, completion_tokens: c.text.usage.completionTokens });
    c.wire(h.upstream.requests[0], false);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ ...c.text.usage, estimated: false, status: 200, outcome: 'ok', streamed: false });
  });

  it.each([1, 3, 7])('streams exact OpenAI chunks ending in usage and [DONE], upstream cut every %i bytes', async (sliceBytes) => {
    h.upstream.enqueue({ file: c.text.sse, sliceBytes });
    const response = await h.post('/v1/chat/completions', { model: c.model, messages, stream: true, stream_options: { include_usage: true } });
    const chunks = await readChatStream(response);
    const usageChunk = chunks.pop();
    expect(usageChunk).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: c.text.usage.promptTokens, completion_tokens: c.text.usage.completionTokens },
    });
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const { content, finishReasons } = accumulate(chunks);
    expect(content).toBe(TEXT);
    expect(finishReasons).toEqual(['stop']);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    c.wire(h.upstream.requests[0], true);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ ...c.text.usage, estimated: false, outcome: 'ok', streamed: true });
  });

  it('maps tools out and a tool call back', async () => {
    h.upstream.enqueue({ file: c.tool.json });
    const response = await h.post('/v1/chat/completions', { model: c.model, messages, tools: [WEATHER_TOOL] });
    expect(response.status).toBe(200);
    const body = await response.json();
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe(c.tool.finishReason);
    expect(choice.message.tool_calls).toHaveLength(1);
    expect(choice.message.tool_calls[0]).toMatchObject({ type: 'function', id: expect.any(String), function: { name: 'get_weather' } });
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual(WEATHER_ARGS);
    c.wireTools(h.upstream.requests[0].body);
    expect((await h.usageOf(response))[0]).toMatchObject(c.tool.usage);
  });

  it('streams a tool call as OpenAI tool_calls deltas', async () => {
    h.upstream.enqueue({ file: c.tool.sse, sliceBytes: 5 });
    const response = await h.post('/v1/chat/completions', { model: c.model, messages, tools: [WEATHER_TOOL], stream: true });
    const frames = sseFrames(await response.text());
    expect(frames.at(-1)).toBe('[DONE]');
    // Usage was not asked for by the client: it is metered but not sent.
    const { calls, finishReasons } = accumulate(frames.slice(0, -1).map((frame) => JSON.parse(frame)));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ id: expect.any(String), type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(calls[0].function.arguments)).toEqual(WEATHER_ARGS);
    expect(finishReasons).toEqual([c.tool.finishReason]);
    expect((await h.usageOf(response))[0]).toMatchObject({ ...c.tool.usage, estimated: false });
  });

  it.each(c.errors)('maps $file (wire $wireStatus) to $status $code, keeping the upstream status', async (error) => {
    h.upstream.enqueue({ file: error.file, status: error.wireStatus, headers: { 'retry-after': '7', ...error.headers } });
    const response = await h.post('/v1/chat/completions', { model: c.model, messages });
    expect(response.status).toBe(error.status);
    const body = await response.json();
    expect(body.error.code).toBe(error.code);
    if (error.says) expect(body.error.message).toContain(error.says);
    expect(JSON.stringify(body)).not.toContain(UPSTREAM_KEY.slice(0, 12));
    if (error.wireStatus === 429) expect(response.headers.get('retry-after')).toBe('7');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ status: error.wireStatus, outcome: 'upstream_error', promptTokens: 0, completionTokens: 0 });
  });

  it('ends a stream that fails midway with an SSE error event and no [DONE]', async () => {
    h.upstream.enqueue({ file: c.midStream, sliceBytes: 4 });
    const response = await h.post('/v1/chat/completions', { model: c.model, messages, stream: true });
    expect(response.status).toBe(200);
    const frames = sseFrames(await response.text());
    expect(frames).not.toContain('[DONE]');
    const last = JSON.parse(frames.at(-1)!);
    expect(last.error).toMatchObject({ type: 'upstream_error', code: 'upstream_stream_error' });
    const { content } = accumulate(frames.slice(0, -1).map((frame) => JSON.parse(frame)));
    expect(content.startsWith('Hello! ')).toBe(true);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'upstream_error', status: 200, streamed: true });
  });
});

describe('provider contract: trace context', () => {
  let traced: ProviderHarness;
  beforeAll(async () => {
    const discard = { export: (_spans: unknown, done: (result: { code: 0 }) => void) => done({ code: 0 }), shutdown: async () => undefined };
    traced = await startProviderHarness({ tracing: { exporter: discard } });
  });
  afterAll(() => traced.close());

  // The ids themselves are checked in tracing.test.ts; this guards each adapter handing the
  // attempt's trace headers to the wire, streamed or not.
  it.each(NAMED_CASES.map((c) => [c.model, c] as const))('%s sends a traceparent upstream when tracing is on', async (_kind, c) => {
    traced.upstream.enqueue({ file: c.text.json }, { file: c.text.sse });
    expect((await traced.post('/v1/chat/completions', { model: c.model, messages })).status).toBe(200);
    expect(await (await traced.post('/v1/chat/completions', { model: c.model, messages, stream: true })).text()).toContain('data: [DONE]');
    expect(traced.upstream.requests).toHaveLength(2);
    for (const request of traced.upstream.requests) expect(request.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    traced.upstream.reset();
  });
});
