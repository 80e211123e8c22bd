import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AccumulatedToolCall, accumulate, KEY, type ProviderHarness, readChatStream, startProviderHarness, UPSTREAM_KEY } from './provider-harness.ts';

/**
 * Responses recorded from the live Anthropic and Gemini APIs by other open-source projects
 * (test/fixtures/providers/<kind>/recorded/SOURCES.md names each one), replayed through the real
 * uWS data plane and the real adapters. Unlike contract.test.ts, whose fixtures were written from
 * the providers' docs, these carry what the providers really send: whitespace padding inside
 * Anthropic's JSON, `ping`s between blocks, thinking and signature deltas, server tool blocks,
 * Gemini's thought parts and thoughtSignatures, usage that changes between frames.
 */

interface Usage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Part of completionTokens (Gemini's thoughtsTokenCount), shown as OpenAI's reasoning_tokens. */
  reasoningTokens?: number;
}

interface ToolCall {
  name: string;
  args: unknown;
  /** The provider's own id, when it sends one (Gemini does not here: the adapter makes one). */
  id?: string;
}

interface RecordedCase {
  kind: 'anthropic' | 'gemini';
  file: string;
  /** What the OpenAI client gets back: the content, null when the answer is only tool calls. */
  content: string | null;
  finishReason: 'stop' | 'length' | 'tool_calls';
  toolCalls?: ToolCall[];
  usage: Usage;
  id?: string;
  model?: string;
}

const WEBSITE_UPDATE_ARGS = {
  website_path: '/home/user/pace-landing',
  tasks: [
    {
      description:
        'Today you post every run to Strava, but Strava does not answer the question: "What should I do next after this run?". It is a great log, but it is not adaptive.',
      type: 'feature',
      passes: false,
    },
  ],
};

const FORECAST = [
  { location: 'San Francisco', temperature: -5, condition: 'snowy' },
  { location: 'London', temperature: 0, condition: 'snowy' },
  { location: 'Paris', temperature: 23, condition: 'cloudy' },
  { location: 'Berlin', temperature: -9, condition: 'snowy' },
];

const usage = (promptTokens: number, completionTokens: number, cachedTokens = 0, reasoningTokens?: number): Usage => ({
  promptTokens,
  completionTokens,
  cachedTokens,
  ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
});

const WHOLE: RecordedCase[] = [
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/text.json',
    content: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    finishReason: 'stop',
    usage: usage(12, 29),
    id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ',
    model: 'claude-sonnet-4-5-20250929',
  },
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/tool-use.json',
    content: null,
    finishReason: 'tool_calls',
    toolCalls: [{ name: 'json', args: { elements: FORECAST }, id: 'toolu_01Q9ExVZnzZj7E2QQYHYtNUa' }],
    usage: usage(1151, 87),
  },
  // The thinking block is not passed on; its tokens are already inside output_tokens.
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/thinking-tool-use.json',
    content: null,
    finishReason: 'tool_calls',
    toolCalls: [{ name: 'checkSandboxErrors', args: {}, id: 'toolu_017R7ACrx7NF7sLDDtvdQ1u9' }],
    usage: usage(599, 59),
  },
  // thoughtsTokenCount is billed as output: 9 candidates + 34 thoughts.
  {
    kind: 'gemini',
    file: 'gemini/recorded/text.json',
    content: 'Hello! How can I help you today?',
    finishReason: 'stop',
    usage: usage(9, 43, 0, 34),
    id: 'bzlXaa_EE_aHqtsPi_zw8Ao',
    model: 'gemini-2.5-flash',
  },
  { kind: 'gemini', file: 'gemini/recorded/max-tokens.json', content: 'The capital of France is', finishReason: 'length', usage: usage(15, 5) },
  // Gemini says STOP for a function call: the call is what makes it tool_calls.
  {
    kind: 'gemini',
    file: 'gemini/recorded/tool-call.json',
    content: null,
    finishReason: 'tool_calls',
    toolCalls: [{ name: 'weather', args: { location: 'San Francisco' } }],
    usage: usage(29, 15 + 893, 0, 893),
    model: 'gemini-3-pro-preview',
  },
];

const STREAMED: RecordedCase[] = [
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/text.sse',
    content: '- Captain\n- Scoop',
    finishReason: 'stop',
    usage: usage(17, 10),
    id: 'msg_014Z12bJxZvKUjLkhBzUz358',
    model: 'claude-sonnet-4-5-20250929',
  },
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/thinking.sse',
    content: 'Scoop and Beaky',
    finishReason: 'stop',
    usage: usage(45, 94),
    model: 'claude-3-7-sonnet-20250219',
  },
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/tool-use.sse',
    content: '',
    finishReason: 'tool_calls',
    toolCalls: [{ name: 'website_update', args: WEBSITE_UPDATE_ARGS, id: 'toolu_01Cr31vcGoeeRgi3Eo5Ds8qN' }],
    usage: usage(912, 118),
  },
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/tool-use-parallel-no-input.sse',
    content: "I'll help you generate two names for a pet pelican using the pelican name generator tool.",
    finishReason: 'tool_calls',
    toolCalls: [
      { name: 'pelican_name_generator', args: {}, id: 'toolu_017ngBid8gmdReTeroVSZf7r' },
      { name: 'pelican_name_generator', args: {}, id: 'toolu_01FJrHJrmnfEqR6NxkQ3yhpu' },
    ],
    usage: usage(310, 82),
  },
  // Server-side tool blocks (code execution) are Anthropic's business, not client tool calls.
  // message_delta's cumulative cache counts win over message_start's: 6 + 3337 written + 6289 read.
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/prompt-cache-server-tools.sse',
    content: 'The sum of the squares of the numbers 1 through 12 is **650**.',
    finishReason: 'stop',
    usage: usage(9632, 198, 6289),
  },
  {
    kind: 'gemini',
    file: 'gemini/recorded/text-one-frame.sse',
    content: 'The capital of France is **Paris**.',
    finishReason: 'stop',
    usage: usage(15, 8 + 16),
    id: 'ezh8aaKTCYSnqtsP-qXkqQI',
    model: 'gemini-2.5-flash',
  },
  {
    kind: 'gemini',
    file: 'gemini/recorded/text.sse',
    content: 'Hello',
    finishReason: 'stop',
    usage: usage(4, 1 + 27),
    id: 'wHLSaf7JDd-jjMcPlsyKsAc',
    model: 'gemini-3-flash-preview',
  },
  // The first frame says 10 prompt tokens, the last 9: the last usageMetadata is the one that counts.
  {
    kind: 'gemini',
    file: 'gemini/recorded/text-gemini-1.5.sse',
    content: 'Percy\n',
    finishReason: 'stop',
    usage: usage(9, 2),
    model: 'gemini-1.5-flash-latest',
  },
  // The thought summary (`thought: true`) is not part of the answer.
  {
    kind: 'gemini',
    file: 'gemini/recorded/tool-call-with-thought.sse',
    content: '',
    finishReason: 'tool_calls',
    toolCalls: [{ name: 'pelican_name_generator', args: {} }],
    usage: usage(32, 12 + 42),
  },
  {
    kind: 'gemini',
    file: 'gemini/recorded/tool-call.sse',
    content: '',
    finishReason: 'tool_calls',
    toolCalls: [{ name: 'weather', args: { location: 'San Francisco' } }],
    usage: usage(29, 15 + 45),
  },
];

const ERRORS = [
  {
    kind: 'anthropic',
    file: 'anthropic/recorded/error-400-invalid-request.json',
    wireStatus: 400,
    status: 400,
    code: 'upstream_rejected_request',
    says: 'tools.0.custom.input_schema.type: Field required',
  },
  {
    kind: 'gemini',
    file: 'gemini/recorded/error-400-invalid-argument.json',
    wireStatus: 400,
    status: 400,
    code: 'upstream_rejected_request',
    says: 'Thinking level MINIMAL is not supported',
  },
] as const;

let h: ProviderHarness;
let client: OpenAI;
beforeAll(async () => {
  h = await startProviderHarness();
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEY, maxRetries: 0 });
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

const messages = [{ role: 'user' as const, content: 'Two names for a pet pelican' }];

function expectToolCalls(calls: (Omit<AccumulatedToolCall, 'function'> & { function: { name?: string; arguments?: string } })[], expected: ToolCall[]) {
  expect(calls).toHaveLength(expected.length);
  expected.forEach((want, index) => {
    expect(calls[index]).toMatchObject({ type: 'function', id: want.id ?? expect.any(String), function: { name: want.name } });
    expect(JSON.parse(calls[index].function.arguments ?? '')).toEqual(want.args);
  });
  expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
}

async function expectUsageEvent(response: Response, c: RecordedCase, streamed: boolean) {
  const [event] = await h.usageOf(response);
  expect(event).toMatchObject({ ...c.usage, estimated: false, status: 200, outcome: 'ok', streamed });
}

const wireUsage = (u: Usage) => ({
  prompt_tokens: u.promptTokens,
  completion_tokens: u.completionTokens,
  total_tokens: u.promptTokens + u.completionTokens,
  prompt_tokens_details: { cached_tokens: u.cachedTokens },
  ...(u.reasoningTokens ? { completion_tokens_details: { reasoning_tokens: u.reasoningTokens } } : {}),
});

describe.each(WHOLE)('recorded $file', (c) => {
  it('answers as a chat.completion with the provider usage', async () => {
    h.upstream.enqueue({ file: c.file });
    const response = await h.post('/v1/chat/completions', { model: c.kind, messages });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: c.content }, finish_reason: c.finishReason }],
    });
    expect(body.choices).toHaveLength(1);
    if (c.id) expect(body.id).toBe(c.id);
    if (c.model) expect(body.model).toBe(c.model);
    if (c.toolCalls) expectToolCalls(body.choices[0].message.tool_calls, c.toolCalls);
    else expect(body.choices[0].message.tool_calls).toBeUndefined();
    expect(body.usage).toEqual(wireUsage(c.usage));
    await expectUsageEvent(response, c, false);
  });
});

describe.each(STREAMED)('recorded $file', (c) => {
  it.each([
    { how: 'in one write', sliceBytes: undefined },
    { how: 'cut every 7 bytes', sliceBytes: 7 },
  ])('streams exact OpenAI chunks, usage and [DONE], upstream $how', async ({ sliceBytes }) => {
    h.upstream.enqueue({ file: c.file, sliceBytes });
    const response = await h.post('/v1/chat/completions', { model: c.kind, messages, stream: true, stream_options: { include_usage: true } });
    const chunks = await readChatStream(response);
    const usageChunk = chunks.pop();
    expect(usageChunk).toMatchObject({ object: 'chat.completion.chunk', choices: [], usage: wireUsage(c.usage) });
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.every((chunk) => chunk.choices.every((choice: { index: number }) => choice.index === 0))).toBe(true);
    const { content, calls, finishReasons } = accumulate(chunks);
    expect(content).toBe(c.content);
    expect(finishReasons).toEqual([c.finishReason]);
    if (c.toolCalls) expectToolCalls(calls, c.toolCalls);
    else expect(calls).toEqual([]);
    expect(new Set([...chunks, usageChunk].map((chunk) => chunk.id))).toEqual(new Set([c.id ?? chunks[0].id]));
    if (c.model) expect(chunks.every((chunk) => chunk.model === c.model)).toBe(true);
    await expectUsageEvent(response, c, true);
  });

  it('is read by the openai SDK stream helper into the same message', async () => {
    h.upstream.enqueue({ file: c.file });
    const stream = client.chat.completions.stream({ model: c.kind, messages, stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();
    const [choice] = completion.choices;
    expect(choice.finish_reason).toBe(c.finishReason);
    expect(choice.message.content ?? '').toBe(c.content);
    if (c.toolCalls) expectToolCalls(choice.message.tool_calls as any, c.toolCalls);
    expect(completion.usage).toMatchObject({ prompt_tokens: c.usage.promptTokens, completion_tokens: c.usage.completionTokens });
  });
});

describe.each(ERRORS)('recorded $file', (error) => {
  it('maps to $status $code, keeping the upstream status and message', async () => {
    h.upstream.enqueue({ file: error.file, status: error.wireStatus });
    const response = await h.post('/v1/chat/completions', { model: error.kind, messages });
    expect(response.status).toBe(error.status);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: error.code });
    expect(body.error.message).toContain(error.says);
    expect(JSON.stringify(body)).not.toContain(UPSTREAM_KEY.slice(0, 12));
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ status: error.wireStatus, outcome: 'upstream_error', promptTokens: 0, completionTokens: 0 });
  });
});
