import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.upstream.reset());

describe('client aborts', () => {
  it('cut the upstream stream and meter the attempt as aborted', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four five', hangAfterChunks: 2 });
    const controller = new AbortController();
    const response = await h.chat(chatBody({ stream: true }), { signal: controller.signal });
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('two')) received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();

    const [upstreamRequest] = h.upstream.requests;
    expect(await upstreamRequest.ended).toBe('aborted');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'aborted', streamed: true, status: 200, estimated: true });
    expect(event.completionTokens).toBeGreaterThan(0);
    expect((await h.chat(chatBody())).status).toBe(200);
  });

  it('cut a non-streamed upstream call still waiting for its answer', async () => {
    h.upstream.enqueue({ kind: 'reply', delayMs: 10_000 });
    const controller = new AbortController();
    const pending = h.chat(chatBody(), { signal: controller.signal, headers: { 'x-request-id': 'abort-json-1' } }).catch((error: Error) => error);
    const upstreamRequest = await h.upstream.nextRequest();
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    expect(await upstreamRequest.ended).toBe('aborted');
    const [event] = await h.usageOf('abort-json-1');
    expect(event).toMatchObject({ outcome: 'aborted', streamed: false, status: 0, estimated: true });
  });

  it('stop a mock provider waiting out its latency', async () => {
    const controller = new AbortController();
    const pending = h
      .chat(chatBody({ model: 'echo-slow' }), { signal: controller.signal, headers: { 'x-request-id': 'abort-mock-1' } })
      .catch((error: Error) => error);
    await sleep(50);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    const [event] = await h.usageOf('abort-mock-1');
    expect(event).toMatchObject({ outcome: 'aborted', provider: 'mock-slow', status: 0 });
    // Well before the mock's 10 s latency: the abort cut the wait.
    expect(event.latencyMs).toBeLessThan(5_000);
  });
});

describe('backpressure', () => {
  it('pauses the upstream while the client does not read, and loses nothing', async () => {
    const chunks = Array.from({ length: 400 }, (_, i) => `<${i}>${'x'.repeat(40_000)}`);
    h.upstream.enqueue({ kind: 'reply', chunks });
    const response = await h.chat(chatBody({ stream: true }));
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    // ~16 MB is far more than the socket buffers between us: the upstream must still be waiting.
    // (Without backpressure the whole stream reaches the gateway in ~0.4 s on a 2-core machine.)
    await sleep(1000);
    expect(h.upstream.requests[0].outcome).toBe('pending');

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const content = text
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => JSON.parse(frame.slice(6)).choices[0]?.delta?.content ?? '')
      .join('');
    expect(content).toBe(chunks.join(''));
    expect(await h.upstream.requests[0].ended).toBe('completed');
  });
});
