import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { KEY, type ProviderHarness, startProviderHarness } from './provider-harness.ts';

/**
 * Random request bodies on every model endpoint, for a model of every provider kind: each one a
 * valid body with one to three values replaced by any JSON, removed, or joined by an unknown
 * field. Whatever comes in, the answer is a success or an error in the endpoint's own format
 * (OpenAI's, or Anthropic's on /v1/messages), never an internal error, and the plane goes on
 * serving. The upstream answers nothing here (the fixture upstream's 599): what is under test is
 * everything before and around the upstream call. Found: a tool_result block holding `null`.
 */

let h: ProviderHarness;
beforeAll(async () => {
  h = await startProviderHarness({ mocks: { mock: 'mock://' } });
});
afterAll(() => h.close());
beforeEach(() => h.upstream.reset());

const KINDS = ['mock', 'openai', 'azure-openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'bedrock', 'vertex', 'vertex-anthropic'];
const hi = [{ role: 'user', content: 'hi' }];

/** A valid body of each endpoint, using most of what it accepts. */
const BODIES: Record<string, Record<string, unknown>> = {
  '/v1/chat/completions': {
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'done' },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
    tool_choice: 'auto',
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 10,
    temperature: 0.5,
    stop: ['x'],
    user: 'u',
    metadata: { ticket: '1' },
  },
  '/v1/completions': { prompt: 'hi', max_tokens: 5, stream: false, suffix: 'x', logprobs: 1 },
  '/v1/embeddings': { input: ['a', 'b'], encoding_format: 'float' },
  '/v1/responses': {
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c', output: 'x' },
    ],
    instructions: 'be brief',
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
    stream: true,
    max_output_tokens: 20,
    store: false,
  },
  '/v1/messages': {
    max_tokens: 20,
    system: [{ type: 'text', text: 'be brief' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok' }] }] },
    ],
    tools: [{ name: 'f', input_schema: { type: 'object' } }],
    tool_choice: { type: 'auto' },
    stream: true,
    metadata: { user_id: 'u' },
  },
  '/v1/messages/count_tokens': { messages: hi, system: 'be brief' },
};

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) paths(child, [...prefix, Array.isArray(value) ? Number(key) : key], out);
  return out;
}

/** `root` with the value at `path` replaced, removed (`undefined`), or given a sibling `extra`. */
function changed(root: unknown, path: Path, change: 'replace' | 'remove' | 'extra', value: unknown): unknown {
  if (path.length === 0) return change === 'replace' ? value : root;
  const copy = structuredClone(root) as any;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path.at(-1)!;
  if (change === 'extra' && !Array.isArray(node)) node.extra_field = value;
  else if (change === 'remove') Array.isArray(node) ? node.splice(last as number, 1) : delete node[last];
  else node[last] = value;
  return copy;
}

const odd = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, '', 0, -1, 1e308, 2 ** 53 + 1, 0.5, '1', [], {}, [null], { type: 'text' }, { type: 'other' }, true, '\u0000', '\ud800'),
);

it('answers any body with a success or an error in the endpoint’s format, never an internal error', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...Object.keys(BODIES)),
      fc.constantFrom(...KINDS),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace' as const, 'remove' as const, 'extra' as const), odd), { minLength: 1, maxLength: 3 }),
      async (path, model, changes) => {
        h.cooldowns.clear();
        let body: unknown = { model, ...BODIES[path] };
        for (const [pick, change, value] of changes) {
          const all = paths(body);
          body = changed(body, all[pick % all.length], change, value);
        }
        const response = await fetch(`${h.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        expect(text).not.toMatch(/internal_error|failed to handle/);
        if (response.headers.get('content-type')?.startsWith('text/event-stream')) return;
        const answer = JSON.parse(text);
        if (response.status < 400) return;
        if (path.startsWith('/v1/messages')) expect(answer).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
        else expect(Object.keys(answer.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      },
    ),
    { numRuns: 200 },
  );
  const still = await h.post('/v1/chat/completions', { model: 'mock', messages: hi });
  expect(still.status).toBe(200);
});
