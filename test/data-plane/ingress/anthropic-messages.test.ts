import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture } from '../../support/fake-fixture-upstream.ts';
import { apiKey, team } from '../../support/snapshot-fixture.ts';
import { KEY, type ProviderHarness, startProviderHarness, UPSTREAM_KEY, UPSTREAM_MODELS } from '../providers/provider-harness.ts';

/**
 * `POST /v1/messages` and `/v1/messages/count_tokens` with the official Anthropic SDK as the
 * client, against an Anthropic upstream (passed through natively) and an OpenAI-compatible one
 * (translated both ways), both fakes replaying real wire fixtures.
 */

let h: ProviderHarness;
let client: Anthropic;
beforeAll(async () => {
  h = await startProviderHarness({
    mocks: { mock: 'mock://' },
    extra: () => ({
      teams: [team({ id: 'policy', systemPrompt: 'Answer in French.' })],
      apiKeys: [apiKey(POLICY_KEY, { id: 'key-policy', teamId: 'policy' })],
    }),
  });
  client = new Anthropic({ apiKey: KEY, baseURL: h.url, maxRetries: 0 });
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

const TEXT = 'Hello! Grüße aus 東京 👋';
/** A key of a team whose policy sets a system prompt. */
const POLICY_KEY = 'tg_policy_key_000000000000000000000000000';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get the current weather in a given location',
  input_schema: {
    type: 'object' as const,
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location'],
  },
};
const WEATHER_INPUT = { location: 'San Francisco, CA', unit: 'celsius' };

/** The usage event of the last request that reached the upstream, by its x-request-id. */
async function lastUsage(requestId: string | null) {
  const [event] = await h.usageOf(new Response(null, { headers: { 'x-request-id': requestId ?? '' } }));
  return event;
}

describe('an Anthropic upstream: passed through natively', () => {
  it('messages.create: the recorded answer comes back unchanged; the upstream got the client body with its own model', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/text.json' });
    const { data: message, response } = await client.messages
      .create({
        model: 'anthropic',
        max_tokens: 64,
        system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'Hello' }],
      })
      .withResponse();
    expect(message).toEqual(JSON.parse(fixture('anthropic/recorded/text.json')));
    const [request] = h.upstream.requests;
    expect(request.url).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(UPSTREAM_KEY);
    // The client's own version header is passed on (this SDK sends a newer one than the adapter's default).
    expect(request.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request.body).toEqual({
      model: UPSTREAM_MODELS.anthropic,
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Hello' }],
    });
    const event = await lastUsage(response.headers.get('x-request-id'));
    expect(event).toMatchObject({ promptTokens: 12, completionTokens: 29, cachedTokens: 0, estimated: false, outcome: 'ok', model: 'anthropic' });
  });

  it('stream() and finalMessage(): the recorded events reach the client byte for byte, thinking and signatures included', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/thinking.sse', sliceBytes: 17 });
    const stream = client.messages.stream({
      model: 'anthropic',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Think.' }],
    });
    const final = await stream.finalMessage();
    expect(final.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect((final.content[0] as { signature: string }).signature.length).toBeGreaterThan(20);
    expect(h.upstream.requests[0].body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });

    h.upstream.enqueue({ file: 'anthropic/recorded/thinking.sse' });
    const raw = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'anthropic', max_tokens: 2048, stream: true, messages: [{ role: 'user', content: 'Think.' }] }),
    });
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    // Same events, same data; only the framing's optional space and line ends are normalised.
    const normalise = (text: string) =>
      text
        .replaceAll('\r\n', '\n')
        .replace(/^(event|data):\s?/gm, '$1: ')
        .trim();
    expect(normalise(await raw.text())).toBe(normalise(fixture('anthropic/recorded/thinking.sse')));
    const event = await lastUsage(raw.headers.get('x-request-id'));
    expect(event.estimated).toBe(false);
    expect(event.streamed).toBe(true);
  });

  it('tool use over two turns: tool_use out, tool_result back in, untouched', async () => {
    h.upstream.enqueue({ file: 'anthropic/tool-call.json' }, { file: 'anthropic/recorded/text.json' });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in San Francisco?' }];
    const first = await client.messages.create({ model: 'anthropic', max_tokens: 256, tools: [WEATHER_TOOL], messages });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block) => block.type === 'tool_use')!;
    expect(use).toMatchObject({ name: 'get_weather', input: WEATHER_INPUT });
    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '15 °C, fog' }] },
    );
    const second = await client.messages.create({ model: 'anthropic', max_tokens: 256, tools: [WEATHER_TOOL], messages });
    expect(second.stop_reason).toBe('end_turn');
    expect(h.upstream.requests[1].body.messages).toEqual(JSON.parse(JSON.stringify(messages)));
  });

  it('countTokens: Anthropic counts', async () => {
    h.upstream.enqueue({ body: '{"input_tokens":14}' });
    const counted = await client.messages.countTokens({ model: 'anthropic', messages: [{ role: 'user', content: 'Hello' }] });
    expect(counted).toEqual({ input_tokens: 14 });
    expect(h.upstream.requests[0].url).toBe('/v1/messages/count_tokens');
    expect(h.upstream.requests[0].body).toEqual({ model: UPSTREAM_MODELS.anthropic, messages: [{ role: 'user', content: 'Hello' }] });
    expect(h.usageEvents.filter((event) => event.model === 'anthropic' && event.promptTokens === 14)).toEqual([]);
  });

  it('prompt caching: cache writes and reads are counted as prompt tokens, reads as cached', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/prompt-cache-server-tools.sse' });
    const raw = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'anthropic',
        max_tokens: 1024,
        stream: true,
        tools: [{ type: 'code_execution_20250825', name: 'code_execution' }],
        messages: [{ role: 'user', content: 'Run it' }],
      }),
    });
    const text = await raw.text();
    expect(text).toContain('server_tool_use');
    const events = text.split('\n\n').flatMap((frame) =>
      frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => JSON.parse(line.slice(5))),
    );
    const start = events.find((event) => event.type === 'message_start').message.usage;
    const last = { ...start, ...events.filter((event) => event.type === 'message_delta').at(-1).usage };
    expect(last.cache_read_input_tokens + last.cache_creation_input_tokens).toBeGreaterThan(0);
    const event = await lastUsage(raw.headers.get('x-request-id'));
    expect(event.cachedTokens).toBe(last.cache_read_input_tokens);
    expect(event.promptTokens).toBe(last.input_tokens + last.cache_creation_input_tokens + last.cache_read_input_tokens);
  });
});

describe('an OpenAI-compatible upstream: translated both ways', () => {
  it('messages.create', async () => {
    h.upstream.enqueue({ file: 'openai/text.json' });
    const { data: message, response } = await client.messages
      .create({
        model: 'openai-compatible',
        max_tokens: 64,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Hello' }],
        stop_sequences: ['END'],
        metadata: { user_id: 'u-1' },
      })
      .withResponse();
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: TEXT }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 15 },
    });
    expect(message.id).toMatch(/^msg_/);
    const [request] = h.upstream.requests;
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.body).toMatchObject({
      model: UPSTREAM_MODELS['openai-compatible'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      max_tokens: 64,
      stop: ['END'],
      user: 'u-1',
    });
    expect(await lastUsage(response.headers.get('x-request-id'))).toMatchObject({ promptTokens: 12, completionTokens: 15, endUser: 'u-1' });
  });

  it('stream() and finalMessage(), with the exact event sequence', async () => {
    h.upstream.enqueue({ file: 'openai/text.sse', sliceBytes: 9 });
    const stream = client.messages.stream({ model: 'openai-compatible', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: TEXT }]);
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 15 });
    expect(final.stop_reason).toBe('end_turn');
    const deltas = types.filter((type) => type === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);

    h.upstream.enqueue({ file: 'openai/text.sse' });
    const raw = await (
      await fetch(`${h.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': KEY },
        body: JSON.stringify({ model: 'openai-compatible', max_tokens: 9, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
      })
    ).text();
    const frames = raw.trimEnd().split('\n\n');
    expect(frames.slice(0, 2)).toEqual([expect.stringMatching(/^event: message_start\ndata: \{"type":"message_start"/), 'event: ping\ndata: {"type":"ping"}']);
    expect(frames.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}');
  });

  it('tool use over two turns, streamed and whole', async () => {
    h.upstream.enqueue({ file: 'openai/tool-call.sse', sliceBytes: 11 }, { file: 'openai/text.json' });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in San Francisco?' }];
    const first = await client.messages
      .stream({ model: 'openai-compatible', max_tokens: 256, tools: [WEATHER_TOOL], tool_choice: { type: 'any' }, messages })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block) => block.type === 'tool_use')!;
    expect(use).toMatchObject({ type: 'tool_use', id: 'call_Dq0mB2sJ8bUx1kZ7tH3fP9wE', name: 'get_weather', input: WEATHER_INPUT });
    expect(h.upstream.requests[0].body).toMatchObject({
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER_TOOL.input_schema } }],
    });

    messages.push(
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: use.id, content: '15 °C, fog' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    );
    const second = await client.messages.create({ model: 'openai-compatible', max_tokens: 256, tools: [WEATHER_TOOL], messages });
    expect(second.content).toEqual([{ type: 'text', text: TEXT }]);
    expect(h.upstream.requests[1].body.messages).toEqual([
      { role: 'user', content: 'Weather in San Francisco?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: use.id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(WEATHER_INPUT) } }],
      },
      { role: 'tool', tool_call_id: use.id, content: '15 °C, fog' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('countTokens: the gateway estimate', async () => {
    const counted = await client.messages.countTokens({ model: 'openai-compatible', messages: [{ role: 'user', content: 'Hello there, how are you?' }] });
    expect(counted.input_tokens).toBeGreaterThan(4);
    expect(h.upstream.requests).toEqual([]);
  });

  it('what a chat upstream cannot take is refused with 400 before it is sent', async () => {
    const refused = client.messages.create({
      model: 'openai-compatible',
      max_tokens: 64,
      messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
    });
    await expect(refused).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect(h.upstream.requests).toEqual([]);
  });
});

describe('every other kind, by the same translation', () => {
  it.each([
    ['azure-openai', 'azure-openai/text.json', 'azure-openai/text.sse', TEXT],
    ['gemini', 'gemini/text.json', 'gemini/text.sse', TEXT],
    ['mock', null, null, 'Echo: Hello'],
  ] as const)('%s: whole and streamed', async (model, json, sse, text) => {
    if (json) h.upstream.enqueue({ file: json });
    const message = await client.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text }], stop_reason: 'end_turn' });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    if (sse) h.upstream.enqueue({ file: sse, sliceBytes: 5 });
    const final = await client.messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text }]);
    expect(final.usage.input_tokens).toBeGreaterThan(0);
  });
});

describe("errors in Anthropic's shape and statuses", () => {
  it('a bad key, an unknown model, an invalid body', async () => {
    const bad = new Anthropic({ apiKey: 'tg_wrong', baseURL: h.url, maxRetries: 0 });
    await expect(bad.messages.create({ model: 'anthropic', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    await expect(client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    const invalid = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY },
      body: JSON.stringify({ model: 'anthropic', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
    const unknown = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY },
      body: JSON.stringify({ model: 'anthropic', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], frobnicate: true }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('frobnicate') } });
    expect(h.upstream.requests).toEqual([]);
  });

  it('a metadata.user_id the ledger cannot store (NUL, unpaired surrogate) is a 400 that names metadata.user_id', async () => {
    for (const userId of ['a\u0000b', 'x\ud800']) {
      const refused = await fetch(`${h.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': KEY },
        body: JSON.stringify({ model: 'anthropic', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], metadata: { user_id: userId } }),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringMatching(/^`metadata\.user_id` cannot contain/) },
      });
    }
    expect(h.upstream.requests).toEqual([]);
  });

  it.each(['anthropic', 'openai-compatible'])('a tool_result whose content holds a non-block is a 400 on %s, counted or sent (it was a 500)', async (model) => {
    const toolTurn = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [null, 'sunny'] }] },
    ];
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const refused = await fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: { 'x-api-key': KEY },
        body: JSON.stringify({ model, max_tokens: 5, messages: toolTurn }),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('messages[2].content[0].content[0]') },
      });
    }
    expect(h.upstream.requests).toEqual([]);
  });

  it('upstream 429 and 529 keep their meaning; a mid-stream error is an SSE `error` event', async () => {
    h.upstream.enqueue({ file: 'anthropic/error-429.json', status: 429 });
    await expect(client.messages.create({ model: 'anthropic', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.RateLimitError,
    );
    h.cooldowns.clear();
    h.upstream.enqueue({ file: 'anthropic/error-529.json', status: 529 });
    await expect(client.messages.create({ model: 'anthropic', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 529,
      error: { error: { type: 'overloaded_error' } },
    });
    h.cooldowns.clear();
    h.upstream.enqueue({ file: 'anthropic/mid-stream-error.sse' });
    const raw = await (
      await fetch(`${h.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': KEY },
        body: JSON.stringify({ model: 'anthropic', max_tokens: 9, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
      })
    ).text();
    const last = raw.trimEnd().split('\n\n').at(-1)!;
    expect(last).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]+"\}\}$/);
    h.cooldowns.clear();
    h.upstream.enqueue({ file: 'anthropic/mid-stream-error.sse' });
    await expect(client.messages.stream({ model: 'anthropic', max_tokens: 9, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage()).rejects.toThrow();
  });
});

describe("the team's system prompt applies as on every endpoint", () => {
  const withPolicy = () => new Anthropic({ apiKey: POLICY_KEY, baseURL: h.url, maxRetries: 0 });

  it("natively: first in `system`, the client's blocks after it with their cache_control", async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/text.json' });
    await withPolicy().messages.create({
      model: 'anthropic',
      max_tokens: 32,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(h.upstream.requests[0].body.system).toEqual([
      { type: 'text', text: 'Answer in French.' },
      { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('translated: the first system message', async () => {
    h.upstream.enqueue({ file: 'openai/text.json' });
    await withPolicy().messages.create({ model: 'openai-compatible', max_tokens: 32, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] });
    expect(h.upstream.requests[0].body.messages.slice(0, 2)).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'system', content: 'Be brief.' },
    ]);
  });

  it('on /v1/responses too', async () => {
    h.upstream.enqueue({ file: 'openai/text.json' });
    const response = await fetch(`${h.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${POLICY_KEY}` },
      body: JSON.stringify({ model: 'openai-compatible', input: 'hi', instructions: 'Be brief.' }),
    });
    expect(response.status).toBe(200);
    expect(h.upstream.requests[0].body.messages.slice(0, 2)).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'system', content: 'Be brief.' },
    ]);
  });
});

describe('as Claude Code calls it', () => {
  it('?beta=true on the path, Authorization: Bearer, anthropic-beta passed to Anthropic', async () => {
    h.upstream.enqueue({ file: 'anthropic/recorded/text.json' }, { body: '{"input_tokens":3}' });
    const headers = {
      authorization: `Bearer ${KEY}`,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    };
    const body = JSON.stringify({
      model: 'anthropic',
      max_tokens: 32,
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { user_id: 'user_abc_session_1' },
    });
    const answer = await fetch(`${h.url}/v1/messages?beta=true`, { method: 'POST', headers, body });
    expect(answer.status).toBe(200);
    expect(h.upstream.requests[0].headers['anthropic-beta']).toBe(headers['anthropic-beta']);
    const counted = await fetch(`${h.url}/v1/messages/count_tokens?beta=true`, { method: 'POST', headers, body });
    expect(await counted.json()).toEqual({ input_tokens: 3 });
    expect(h.upstream.requests[1].body).toEqual({
      model: UPSTREAM_MODELS.anthropic,
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { user_id: 'user_abc_session_1' },
    });
  });
});

describe('the models list in Anthropic shape', () => {
  it('models.list and models.retrieve with anthropic-version', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toContain('anthropic');
    expect(page.data[0]).toMatchObject({ type: 'model', display_name: expect.any(String), created_at: expect.stringMatching(/^\d{4}-/) });
    expect(await client.models.retrieve('openai-compatible')).toMatchObject({ type: 'model', id: 'openai-compatible' });
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });
});
