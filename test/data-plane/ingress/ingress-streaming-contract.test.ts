import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, KEYS, startHarness } from '../harness.ts';

/**
 * The streaming contract on the two named-event ingresses, as on chat: a client that leaves cuts
 * the upstream and its attempt is metered as aborted; an upstream that fails midway ends the
 * stream with the protocol's own error event, never its clean end.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.upstream.reset());

const INGRESSES = [
  {
    path: '/v1/messages',
    body: { model: 'gpt-4o-mini', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] },
    end: 'event: message_stop',
    error: 'event: error',
  },
  { path: '/v1/responses', body: { model: 'gpt-4o-mini', stream: true, input: 'Hi' }, end: 'event: response.completed', error: 'event: response.failed' },
] as const;

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });

describe.each(INGRESSES)('$path', ({ path, body, end, error }) => {
  it('a client that leaves cuts the upstream; the attempt is metered as aborted', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four five', hangAfterChunks: 2 });
    const controller = new AbortController();
    const response = await post(path, body, controller.signal);
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('two')) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const [upstreamRequest] = h.upstream.requests;
    expect(await upstreamRequest.ended).toBe('aborted');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'aborted', streamed: true, estimated: true });
    expect(event.completionTokens).toBeGreaterThan(0);
  });

  it('an upstream failure midway ends the stream with the error event, not the clean end', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three', failAfterChunks: 2 });
    const response = await post(path, body);
    const text = await response.text();
    const frames = text.trimEnd().split('\n\n');
    expect(frames.at(-1)!.startsWith(`${error}\n`)).toBe(true);
    expect(text).not.toContain(end);
    const [event] = await h.usageOf(response);
    expect(event.outcome).toBe('upstream_error');
  });

  it('a whole stream hands its usage over before the terminal event', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three' });
    const response = await post(path, body);
    const text = await response.text();
    expect(text.trimEnd().split('\n\n').at(-1)!.startsWith(`${end}\n`)).toBe(true);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'ok', promptTokens: 21, completionTokens: 7, estimated: false });
  });
});
