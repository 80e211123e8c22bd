import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FixtureReply, fixture } from '../../support/fake-fixture-upstream.ts';
import { KEY, type ProviderHarness, startProviderHarness } from './provider-harness.ts';

/**
 * A 2xx upstream answer whose shape is off deeper than the adapters check (a Gemini `parts` that
 * is not an array, a null tool call, an id that is an object) is the upstream's invalid response:
 * a 502 `upstream_invalid_response` in the ingress's own error format, or the final error event
 * of a stream, and the attempt metered as an upstream error. It used to be a 500
 * `internal_error` ("The gateway failed to handle the request."), found by the property below.
 */

let h: ProviderHarness;
beforeAll(async () => {
  h = await startProviderHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

type Ingress = '/v1/chat/completions' | '/v1/messages' | '/v1/responses';

function requestBody(path: Ingress, model: string, stream: boolean) {
  if (path === '/v1/messages') return { model, stream, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] };
  if (path === '/v1/responses') return { model, stream, input: 'hi', store: false };
  return { model, stream, messages: [{ role: 'user', content: 'hi' }] };
}

function send(path: Ingress, model: string, stream: boolean) {
  return fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(requestBody(path, model, stream)),
  });
}

/** A JSON fixture with one change made by `edit`. */
function edited(file: string, edit: (json: any) => void): FixtureReply {
  const json = JSON.parse(fixture(file));
  edit(json);
  return { body: JSON.stringify(json) };
}

/** An SSE fixture whose first `data:` frame is changed by `edit`. */
function editedFirstFrame(file: string, edit: (json: any) => void): FixtureReply {
  const text = fixture(file);
  const start = text.indexOf('data: ') + 'data: '.length;
  const end = text.indexOf('\n', start);
  const json = JSON.parse(text.slice(start, end));
  edit(json);
  return { body: `${text.slice(0, start)}${JSON.stringify(json)}${text.slice(end)}`, headers: { 'content-type': 'text/event-stream' } };
}

const INVALID = /^Provider \S+ sent an invalid response/;

describe('whole answers', () => {
  it.each<[string, string, Ingress, () => FixtureReply]>([
    [
      'a Gemini candidate whose parts are not an array',
      'gemini',
      '/v1/chat/completions',
      () => edited('gemini/text.json', (j) => (j.candidates[0].content.parts = '')),
    ],
    ['a Cohere tool call that is null', 'cohere', '/v1/chat/completions', () => edited('cohere/tool-call.json', (j) => (j.message.tool_calls = [null]))],
    ['an Anthropic content block that is null', 'anthropic', '/v1/chat/completions', () => edited('anthropic/text.json', (j) => (j.content = [null]))],
    ['the same, passed through natively', 'anthropic', '/v1/messages', () => edited('anthropic/text.json', (j) => (j.content = [null]))],
    [
      'Mistral tool_calls that are an object, translated',
      'mistral',
      '/v1/responses',
      () => edited('mistral/text.json', (j) => (j.choices[0].message.tool_calls = {})),
    ],
    ['a Gemini responseId that is an object, translated', 'gemini', '/v1/messages', () => edited('gemini/text.json', (j) => (j.responseId = { id: 1 }))],
  ])('%s (%s on %s)', async (_name, model, path, reply) => {
    h.upstream.enqueue(reply());
    const response = await send(path, model, false);
    const body = await response.json();
    if (path === '/v1/messages') {
      // Anthropic's shape: a server-side failure is its 500 api_error; the message says whose.
      expect(response.status).toBe(500);
      expect(body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(body.error.message).toMatch(INVALID);
    } else {
      expect(response.status).toBe(502);
      expect(body.error).toMatchObject({ type: 'upstream_error', code: 'upstream_invalid_response' });
      expect(body.error.message).toMatch(INVALID);
    }
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'upstream_error', status: 200 });
  });
});

describe('streams', () => {
  it('a Gemini stream whose responseId is an object ends in Anthropic’s error event, without message_stop', async () => {
    h.upstream.enqueue(editedFirstFrame('gemini/text.sse', (j) => (j.responseId = { id: 1 })));
    const response = await send('/v1/messages', 'gemini', true);
    const frames = (await response.text()).trimEnd().split('\n\n');
    expect(frames.some((frame) => frame.startsWith('event: message_stop'))).toBe(false);
    const [eventLine, dataLine] = frames.at(-1)!.split('\n');
    expect(eventLine).toBe('event: error');
    const error = JSON.parse(dataLine.slice('data: '.length)).error;
    expect(error.type).toBe('api_error');
    expect(error.message).toMatch(INVALID);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'upstream_error', streamed: true });
  });
});

/** Every leaf and subtree of a JSON value, by path. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) paths(child, [...prefix, Array.isArray(value) ? Number(key) : key], out);
  return out;
}

/** `root` with the value at `path` replaced (the root itself when `path` is empty). */
function replaced(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as any;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = value;
  return copy;
}

const WHOLE_FIXTURES: Record<string, string[]> = {
  openai: ['openai/text.json', 'openai/tool-call.json'],
  anthropic: ['anthropic/text.json', 'anthropic/tool-call.json'],
  gemini: ['gemini/text.json', 'gemini/tool-call.json'],
  mistral: ['mistral/text.json', 'mistral/tool-call.json'],
  cohere: ['cohere/text.json', 'cohere/tool-call.json'],
  bedrock: ['bedrock/text.json', 'bedrock/tool-call.json'],
};

describe('property', () => {
  it('any one value of a recorded answer replaced by any JSON: a success or an error in the ingress’s format, never internal', async () => {
    const entries = Object.entries(WHOLE_FIXTURES).flatMap(([model, files]) => files.map((file) => [model, JSON.parse(fixture(file))] as const));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...entries),
        fc.constantFrom<Ingress>('/v1/chat/completions', '/v1/messages', '/v1/responses'),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        async ([model, answer], path, pick, value) => {
          h.cooldowns.clear();
          const all = paths(answer);
          h.upstream.enqueue({ body: JSON.stringify(replaced(answer, all[pick % all.length], value)) });
          const response = await send(path, model, false);
          const text = await response.text();
          expect(text).not.toMatch(/internal_error|failed to handle/);
          expect(JSON.parse(text)).toBeTypeOf('object');
          expect([200, 400, 500, 502]).toContain(response.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
