import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESPONSE_EVENT_SCHEMAS, specErrors } from '../../support/openai-spec.ts';
import { KEY, type ProviderHarness, startProviderHarness, UPSTREAM_MODELS } from '../providers/provider-harness.ts';

/**
 * `POST /v1/responses` with the official `openai` SDK as the client, against an OpenAI-compatible
 * upstream and an Anthropic one (both reached by translation to chat), fakes replaying real wire
 * fixtures. Every response object and stream event is also checked against the official spec.
 */

let h: ProviderHarness;
let client: OpenAI;
beforeAll(async () => {
  h = await startProviderHarness();
  client = new OpenAI({ apiKey: KEY, baseURL: `${h.url}/v1`, maxRetries: 0 });
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

const TEXT = 'Hello! Grüße aus 東京 👋';
const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Get the current weather in a given location',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location'],
  },
  strict: false,
};
const WEATHER_INPUT = { location: 'San Francisco, CA', unit: 'celsius' };

const EVENT_SCHEMAS = RESPONSE_EVENT_SCHEMAS;

function conforms(response: unknown): void {
  expect(specErrors('Response', response), JSON.stringify(response)).toEqual([]);
}

/** Streams through the SDK, checking each event against its schema and the sequence numbers. */
async function streamEvents(params: OpenAI.Responses.ResponseCreateParamsStreaming): Promise<any[]> {
  const events: any[] = [];
  for await (const event of await client.responses.create(params)) {
    expect(EVENT_SCHEMAS[event.type], event.type).toBeDefined();
    expect(specErrors(EVENT_SCHEMAS[event.type], event), JSON.stringify(event)).toEqual([]);
    expect(event.sequence_number).toBe(events.length);
    events.push(event);
  }
  return events;
}

const KINDS = [
  {
    model: 'openai-compatible',
    text: { json: 'openai/text.json', sse: 'openai/text.sse', content: TEXT, usage: [12, 15], sseUsage: [12, 15] },
    tool: { json: 'openai/tool-call.json', sse: 'openai/tool-call.sse' },
  },
  {
    model: 'anthropic',
    // Two different recordings: the whole answer and the stream have their own counts.
    text: { json: 'anthropic/recorded/text.json', sse: 'anthropic/recorded/text.sse', content: undefined, usage: [12, 29], sseUsage: [17, 10] },
    tool: { json: 'anthropic/tool-call.json', sse: 'anthropic/tool-call.sse' },
  },
] as const;

describe.each(KINDS)('$model upstream', ({ model, text, tool }) => {
  it('responses.create: input string and instructions', async () => {
    h.upstream.enqueue({ file: text.json });
    const { data: response, response: raw } = await client.responses
      .create({ model, input: 'Hello', instructions: 'Be brief.', max_output_tokens: 64, temperature: 0.2 })
      .withResponse();
    conforms(response);
    expect(response.status).toBe('completed');
    if (text.content) expect(response.output_text).toBe(text.content);
    else expect(response.output_text.length).toBeGreaterThan(10);
    expect(response.usage).toMatchObject({ input_tokens: text.usage[0], output_tokens: text.usage[1], total_tokens: text.usage[0] + text.usage[1] });
    const body = h.upstream.requests[0].body;
    if (model === 'openai-compatible') {
      expect(body).toMatchObject({
        model: UPSTREAM_MODELS[model],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello' },
        ],
        max_completion_tokens: 64,
        temperature: 0.2,
      });
    } else {
      expect(body).toMatchObject({
        model: UPSTREAM_MODELS[model],
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
        max_tokens: 64,
      });
    }
    const [event] = await h.usageOf(raw);
    expect(event).toMatchObject({ promptTokens: text.usage[0], completionTokens: text.usage[1], estimated: false });
  });

  it('responses.create with stream: true: the typed events, usage in response.completed', async () => {
    h.upstream.enqueue({ file: text.sse, sliceBytes: 13 });
    const events = await streamEvents({ model, input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }], stream: true });
    const types = events.map((event) => event.type);
    const deltas = types.filter((type) => type === 'response.output_text.delta').length;
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(deltas).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = events.at(-1).response;
    const joined = events
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta)
      .join('');
    expect(completed.output[0].content[0].text).toBe(joined);
    if (text.content) expect(joined).toBe(text.content);
    expect(completed.usage).toMatchObject({ input_tokens: text.sseUsage[0], output_tokens: text.sseUsage[1] });
  });

  it('the SDK stream helper puts the same answer together', async () => {
    h.upstream.enqueue({ file: text.sse });
    const final = await client.responses.stream({ model, input: 'Hello' }).finalResponse();
    if (text.content) expect(final.output_text).toBe(text.content);
    expect(final.usage?.output_tokens).toBe(text.sseUsage[1]);
  });

  it('a function call over two turns (streamed first turn, whole second)', async () => {
    h.upstream.enqueue({ file: tool.sse, sliceBytes: 11 }, { file: text.json });
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Weather in San Francisco?' }];
    const first = await client.responses.stream({ model, input, tools: [WEATHER_TOOL], tool_choice: 'auto' }).finalResponse();
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual(WEATHER_INPUT);
    const callId = (call as { call_id: string }).call_id;

    input.push(...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: callId, output: '15 °C, fog' });
    const second = await client.responses.create({ model, input, tools: [WEATHER_TOOL] });
    conforms(second);
    expect(second.output_text.length).toBeGreaterThan(5);
    const sent = h.upstream.requests[1].body;
    if (model === 'openai-compatible') {
      expect(sent.messages.slice(-2)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(WEATHER_INPUT) } }],
        },
        { role: 'tool', tool_call_id: callId, content: '15 °C, fog' },
      ]);
    } else {
      expect(sent.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: callId, content: '15 °C, fog' }] });
      expect(sent.messages.at(-2).content).toContainEqual({ type: 'tool_use', id: callId, name: 'get_weather', input: WEATHER_INPUT });
    }
  });
});

describe('text.format with a JSON schema', () => {
  const format = {
    type: 'json_schema' as const,
    name: 'city',
    schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  };

  it('OpenAI-compatible: sent as response_format, the JSON comes back as output_text', async () => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: '{"city":"Paris"}' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 },
    };
    h.upstream.enqueue({ body: JSON.stringify(completion) });
    const response = await client.responses.create({ model: 'openai-compatible', input: 'Capital of France?', text: { format } });
    conforms(response);
    expect(JSON.parse(response.output_text)).toEqual({ city: 'Paris' });
    expect(response.text?.format).toMatchObject({ type: 'json_schema', name: 'city' });
    expect(h.upstream.requests[0].body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'city', schema: format.schema, strict: true } });
  });

  it('Anthropic has no JSON schema mode: 400 unsupported_parameter, nothing sent', async () => {
    await expect(client.responses.create({ model: 'anthropic', input: 'Capital of France?', text: { format } })).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'response_format',
    });
    expect(h.upstream.requests).toEqual([]);
  });
});

describe('stateless: what needs stored responses is refused', () => {
  it.each([
    [{ store: true }, 'store'],
    [{ previous_response_id: 'resp_123' }, 'previous_response_id'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ conversation: 'conv_1' }, 'conversation'],
  ])('%j', async (extra, param) => {
    const error = await client.responses
      .create({ model: 'openai-compatible', input: 'Hi', ...(extra as object) } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param });
    expect(specErrors('ErrorResponse', { error: error.error })).toEqual([]);
    expect(h.upstream.requests).toEqual([]);
  });

  it('store: false is fine', async () => {
    h.upstream.enqueue({ file: 'openai/text.json' });
    const response = await client.responses.create({ model: 'openai-compatible', input: 'Hi', store: false });
    expect(response).toMatchObject({ store: false });
  });
});

describe('malformed input items', () => {
  it.each([
    ['a function_call_output whose output holds null', [{ type: 'function_call_output', call_id: 'c', output: [null] }], 'input[0].output[0]'],
    ['a message whose content holds a string', [{ role: 'user', content: ['hi'] }], 'input[0].content[0]'],
  ])('%s: 400 naming the part, nothing sent', async (_name, input, param) => {
    const error = await client.responses
      .create({ model: 'openai-compatible', input } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param, code: 'invalid_value' });
    expect(specErrors('ErrorResponse', { error: error.error })).toEqual([]);
    expect(h.upstream.requests).toEqual([]);
  });
});

describe('a stream that fails midway', () => {
  it('ends with response.failed, never response.completed', async () => {
    h.upstream.enqueue({ file: 'openai/mid-stream-error.sse' });
    const raw = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai-compatible', input: 'Hi', stream: true }),
    });
    const frames = (await raw.text()).trimEnd().split('\n\n');
    const events = frames.map((frame) => JSON.parse(frame.split('\n')[1].slice('data: '.length)));
    const last = events.at(-1);
    expect(frames.at(-1)).toMatch(/^event: response\.failed\n/);
    expect(specErrors('ResponseFailedEvent', last)).toEqual([]);
    expect(last.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events.some((event) => event.type === 'response.completed')).toBe(false);
  });
});
