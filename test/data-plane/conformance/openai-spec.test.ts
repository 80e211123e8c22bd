import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESPONSE_EVENT_SCHEMAS, specErrors } from '../../support/openai-spec.ts';
import { type ProviderHarness, sseFrames, startProviderHarness, WEATHER_TOOL } from '../providers/provider-harness.ts';

/**
 * Every OpenAI-format answer the data plane produces, validated against the official OpenAI
 * OpenAPI document (test/fixtures/openapi, 2.3.0): whole bodies, each SSE chunk, and every error
 * body, for each provider kind's translation.
 */

let h: ProviderHarness;
beforeAll(async () => {
  h = await startProviderHarness({ mocks: { mock: 'mock://' } });
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear?.();
});

const messages = [{ role: 'user', content: 'Hello' }];
const CHAT_FIXTURES = [
  ['openai-compatible', 'openai/text.json', 'openai/text.sse'],
  ['openai-compatible', 'openai/tool-call.json', 'openai/tool-call.sse'],
  ['azure-openai', 'azure-openai/text.json', 'azure-openai/text.sse'],
  ['anthropic', 'anthropic/text.json', 'anthropic/text.sse'],
  ['anthropic', 'anthropic/tool-call.json', 'anthropic/tool-call.sse'],
  ['anthropic', 'anthropic/recorded/thinking-tool-use.json', 'anthropic/recorded/thinking.sse'],
  ['gemini', 'gemini/text.json', 'gemini/text.sse'],
  ['gemini', 'gemini/tool-call.json', 'gemini/tool-call.sse'],
] as const;

/** Asserts the body conforms and returns it. */
async function conformingJson(response: Response, schema: string): Promise<any> {
  const body = await response.json();
  expect(specErrors(schema, body), `${schema}: ${JSON.stringify(body)}`).toEqual([]);
  return body;
}

async function conformingChunks(response: Response, schema: string, asValidated: (chunk: any) => any = (chunk) => chunk): Promise<any[]> {
  expect(response.status).toBe(200);
  const frames = sseFrames(await response.text());
  expect(frames.at(-1)).toBe('[DONE]');
  const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
  for (const chunk of chunks) expect(specErrors(schema, asValidated(chunk)), JSON.stringify(chunk)).toEqual([]);
  return chunks;
}

/**
 * The spec has no schema for legacy completion stream frames; OpenAI streams the whole object's
 * shape with `finish_reason: null` and `usage: null` until the end. Those two are checked as such.
 */
function asWholeTextCompletion(frame: any): any {
  for (const choice of frame.choices) expect(choice.finish_reason === null || typeof choice.finish_reason === 'string').toBe(true);
  const { usage, ...rest } = frame;
  return {
    ...rest,
    ...(usage === null ? {} : { usage }),
    choices: frame.choices.map((choice: any) => ({ ...choice, finish_reason: choice.finish_reason ?? 'stop' })),
  };
}

describe('chat completions conform to CreateChatCompletionResponse and its stream chunks', () => {
  it.each(CHAT_FIXTURES)('%s: %s', async (model, json, sse) => {
    h.upstream.enqueue({ file: json });
    const whole = await h.post('/v1/chat/completions', { model, messages, tools: [WEATHER_TOOL] });
    expect(whole.status).toBe(200);
    const body = await conformingJson(whole, 'CreateChatCompletionResponse');
    expect(body.choices[0].message.refusal).toBeNull();

    h.upstream.enqueue({ file: sse, sliceBytes: 7 });
    const streamed = await h.post('/v1/chat/completions', { model, messages, tools: [WEATHER_TOOL], stream: true, stream_options: { include_usage: true } });
    const chunks = await conformingChunks(streamed, 'CreateChatCompletionStreamResponse');
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
  });

  it('the mock provider, whole and streamed', async () => {
    await conformingJson(await h.post('/v1/chat/completions', { model: 'mock', messages }), 'CreateChatCompletionResponse');
    await conformingChunks(
      await h.post('/v1/chat/completions', { model: 'mock', messages, stream: true, stream_options: { include_usage: true } }),
      'CreateChatCompletionStreamResponse',
    );
  });

  it('an OpenAI-compatible upstream that omits `refusal` still answers with `refusal: null`', async () => {
    const body = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    };
    h.upstream.enqueue({ body: JSON.stringify(body) });
    const answer = await conformingJson(await h.post('/v1/chat/completions', { model: 'openai-compatible', messages }), 'CreateChatCompletionResponse');
    expect(answer.choices[0].message).toEqual({ role: 'assistant', content: 'hi', refusal: null });
    expect(answer.choices[0].logprobs).toBeNull();
  });
});

describe('responses conform to Response and the ResponseStreamEvent family, on every kind', () => {
  /** Named SSE events (`event: <type>\ndata: <json>`), parsed, the event name checked against the type. */
  async function namedEvents(response: Response): Promise<any[]> {
    expect(response.status).toBe(200);
    const text = await response.text();
    return text
      .trimEnd()
      .split('\n\n')
      .map((frame) => {
        const [eventLine, dataLine] = frame.split('\n');
        const event = JSON.parse(dataLine.slice('data: '.length));
        expect(eventLine).toBe(`event: ${event.type}`);
        return event;
      });
  }

  it.each([...CHAT_FIXTURES, ['mock', null, null]] as const)('%s: %s', async (model, json, sse) => {
    if (json) h.upstream.enqueue({ file: json });
    const whole = await h.post('/v1/responses', {
      model,
      input: 'Hello',
      tools: [{ type: 'function', name: 'get_weather', parameters: WEATHER_TOOL.function.parameters }],
    });
    expect(whole.status).toBe(200);
    await conformingJson(whole, 'Response');

    if (sse) h.upstream.enqueue({ file: sse, sliceBytes: 7 });
    const events = await namedEvents(
      await h.post('/v1/responses', {
        model,
        input: 'Hello',
        stream: true,
        tools: [{ type: 'function', name: 'get_weather', parameters: WEATHER_TOOL.function.parameters }],
      }),
    );
    for (const event of events) expect(specErrors(RESPONSE_EVENT_SCHEMAS[event.type] ?? 'unknown', event), JSON.stringify(event)).toEqual([]);
    expect(events.at(-1).type).toBe('response.completed');
    expect(events.at(-1).response.usage.total_tokens).toBeGreaterThan(0);
  });

  it('a failure after the stream started: response.failed', async () => {
    h.upstream.enqueue({ file: 'gemini/mid-stream-cut.sse' });
    const events = await namedEvents(await h.post('/v1/responses', { model: 'gemini', input: 'Hello', stream: true }));
    expect(events.at(-1).type).toBe('response.failed');
    for (const event of events) expect(specErrors(RESPONSE_EVENT_SCHEMAS[event.type], event), JSON.stringify(event)).toEqual([]);
  });
});

describe('embeddings, legacy completions and models conform', () => {
  it('embeddings (OpenAI-compatible, Gemini, mock)', async () => {
    h.upstream.enqueue({ file: 'openai/embeddings.json' });
    await conformingJson(await h.post('/v1/embeddings', { model: 'openai-compatible', input: ['hello', 'world'] }), 'CreateEmbeddingResponse');
    h.upstream.enqueue({ file: 'gemini/embeddings.json' });
    await conformingJson(await h.post('/v1/embeddings', { model: 'gemini', input: ['hello', 'world'] }), 'CreateEmbeddingResponse');
    await conformingJson(await h.post('/v1/embeddings', { model: 'mock', input: 'hello' }), 'CreateEmbeddingResponse');
  });

  it('legacy completions, whole and streamed', async () => {
    h.upstream.enqueue({ file: 'openai/text-completion.json' });
    await conformingJson(await h.post('/v1/completions', { model: 'openai-compatible', prompt: 'Say this is a test' }), 'CreateCompletionResponse');
    h.upstream.enqueue({ file: 'openai/text-completion.sse', sliceBytes: 5 });
    // The stream's frames have the same schema as the whole answer (the spec has no chunk type).
    await conformingChunks(
      await h.post('/v1/completions', { model: 'openai-compatible', prompt: 'Say this', stream: true }),
      'CreateCompletionResponse',
      asWholeTextCompletion,
    );
  });

  it('the models list and one model', async () => {
    const list = await conformingJson(await h.get('/v1/models'), 'ListModelsResponse');
    expect(list.data.length).toBeGreaterThan(0);
    const one = await h.get('/v1/models/anthropic');
    expect(one.status).toBe(200);
    expect(await conformingJson(one, 'Model')).toMatchObject({ id: 'anthropic', object: 'model' });
  });
});

describe('every error body conforms to ErrorResponse', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it.each([
    ['no key', () => post('/v1/chat/completions', { model: 'mock', messages }), 401],
    ['a wrong key', () => post('/v1/chat/completions', { model: 'mock', messages }, { authorization: 'Bearer tg_wrong' }), 401],
    ['bad JSON', () => h.post('/v1/chat/completions', '{'), 400],
    ['an invalid body', () => h.post('/v1/chat/completions', { model: 'mock' }), 400],
    ['an unknown model', () => h.post('/v1/chat/completions', { model: 'nope', messages }), 404],
    ['an unknown route', () => h.get('/v1/nothing-here'), 404],
    ['an unknown model by id', () => h.get('/v1/models/nope'), 404],
    ['a provider that cannot embed', () => h.post('/v1/embeddings', { model: 'anthropic', input: 'x' }), 400],
    ['a body over the size limit', () => h.post('/v1/chat/completions', { model: 'mock', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }), 413],
    ['an unknown top-level parameter', () => h.post('/v1/chat/completions', { model: 'mock', messages, frobnicate: 1 }), 400],
    ['responses: store true', () => h.post('/v1/responses', { model: 'mock', input: 'x', store: true }), 400],
    ['responses: an unknown field', () => h.post('/v1/responses', { model: 'mock', input: 'x', frobnicate: 1 }), 400],
    ['responses: no key', () => post('/v1/responses', { model: 'mock', input: 'x' }), 401],
  ] as const)('%s', async (_name, send, status) => {
    const response = await send();
    expect(response.status).toBe(status);
    await conformingJson(response, 'ErrorResponse');
  });

  it('upstream errors, and the final SSE error event of a stream that fails midway', async () => {
    for (const [file, status] of [
      ['openai/error-429.json', 429],
      ['openai/error-500.json', 500],
      ['anthropic/error-529.json', 529],
    ] as const) {
      h.upstream.enqueue({ file, status });
      const response = await h.post('/v1/chat/completions', { model: file.startsWith('anthropic') ? 'anthropic' : 'openai-compatible', messages });
      expect(response.status).toBeGreaterThanOrEqual(400);
      await conformingJson(response, 'ErrorResponse');
    }
    h.upstream.enqueue({ file: 'openai/mid-stream-error.sse' });
    const streamed = await h.post('/v1/chat/completions', { model: 'openai-compatible', messages, stream: true });
    const frames = sseFrames(await streamed.text());
    expect(frames).not.toContain('[DONE]');
    const last = JSON.parse(frames.at(-1)!);
    expect(specErrors('ErrorResponse', last)).toEqual([]);
    for (const frame of frames.slice(0, -1)) expect(specErrors('CreateChatCompletionStreamResponse', JSON.parse(frame))).toEqual([]);
  });
});
