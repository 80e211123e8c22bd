import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDataPlane } from '../../data-plane/app.ts';
import { chatBody, type Harness, KEYS, sseData, startHarness, UPSTREAM_KEY } from './harness.ts';

const LIMIT = 16 * 1024;
let h: Harness;
beforeAll(async () => {
  // One attempt per request: these tests check how a single upstream failure is mapped (retries
  // and fallbacks are test/data-plane/routing.test.ts's).
  h = await startHarness({ maxBodyBytes: LIMIT, routing: { retry: { maxAttempts: 1 } } });
});
afterAll(() => h.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

/** Asserts the OpenAI error shape and an x-request-id, returns the error object. */
async function expectError(response: Response, status: number, code: string | null) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('x-request-id')).toMatch(/\S+/);
  const body = await response.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error as { message: string; type: string; param: string | null; code: string | null };
}

async function stillServes() {
  const response = await h.chat(chatBody({ model: 'echo' }));
  expect(response.status).toBe(200);
  await response.json();
}

describe('client errors', () => {
  it.each([
    ['malformed JSON', '{"model": "gpt-4o-mini", "messages": [', 400, 'invalid_json', null],
    ['a JSON array', '[1, 2]', 400, 'invalid_json', null],
    ['missing messages', JSON.stringify({ model: 'gpt-4o-mini' }), 400, 'missing_required_parameter', 'messages'],
    ['empty messages', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), 400, 'empty_array', 'messages'],
    ['missing model', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }), 400, 'missing_required_parameter', 'model'],
    ['a wrong role', JSON.stringify(chatBody({ messages: [{ role: 'wizard', content: 'hi' }] })), 400, 'invalid_value', 'messages[0].role'],
    ['content of the wrong type', JSON.stringify(chatBody({ messages: [{ role: 'user', content: 42 }] })), 400, 'invalid_type', 'messages[0].content'],
    ['stream not a boolean', JSON.stringify(chatBody({ stream: 'yes' })), 400, 'invalid_type', 'stream'],
    ['api_base in the body', JSON.stringify(chatBody({ api_base: 'http://evil.example' })), 400, 'forbidden_parameter', 'api_base'],
    ['api_key in the body', JSON.stringify(chatBody({ api_key: 'sk-mine' })), 400, 'forbidden_parameter', 'api_key'],
    ['base_url in the body', JSON.stringify(chatBody({ base_url: 'http://evil.example' })), 400, 'forbidden_parameter', 'base_url'],
  ])('refuses %s', async (_name, body, status, code, param) => {
    const error = await expectError(await h.chat(body), status, code);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
    expect(h.upstream.requests).toHaveLength(0);
    await stillServes();
  });

  it('refuses what the model cannot do before calling it', async () => {
    const stream = await expectError(await h.chat(chatBody({ model: 'basic', stream: true })), 400, 'unsupported_capability');
    expect(stream.param).toBe('stream');
    const tools = await expectError(
      await h.chat(chatBody({ model: 'basic', tools: [{ type: 'function', function: { name: 'f' } }] })),
      400,
      'unsupported_capability',
    );
    expect(tools.param).toBe('tools');
    expect((await h.chat(chatBody({ model: 'basic' }))).status).toBe(200);
  });

  it('refuses an unknown model with 404 model_not_found', async () => {
    const error = await expectError(await h.chat(chatBody({ model: 'gpt-9' })), 404, 'model_not_found');
    expect(error.param).toBe('model');
    await stillServes();
  });

  it("refuses a model outside the key allow-list, or another team's private model, as not found", async () => {
    await expectError(await h.chat(chatBody({ model: 'echo' }), { key: KEYS.acmeLimited }), 404, 'model_not_found');
    await expectError(await h.chat(chatBody({ model: 'other-private' })), 404, 'model_not_found');
    expect((await h.chat(chatBody({ model: 'other-private' }), { key: KEYS.other })).status).toBe(200);
  });

  it.each([
    ['no key', null, 401, 'invalid_api_key'],
    ['a forged key', 'tg_forged_0000000000000000000000000000', 401, 'invalid_api_key'],
    ['a revoked key', KEYS.revoked, 401, 'api_key_revoked'],
    ['an expired key', KEYS.expired, 401, 'api_key_expired'],
    ['a blocked team', KEYS.blocked, 403, 'team_blocked'],
    ['a blocked key', KEYS.blockedKey, 403, 'api_key_blocked'],
  ])('refuses %s', async (_name, key, status, code) => {
    const error = await expectError(await h.chat(chatBody(), { key }), status, code);
    // Each says what it is: a blocked key is not "revoked" (it can be unblocked).
    if (code === 'api_key_blocked') expect(error.message).toBe('This API key has been blocked by an administrator.');
    expect(h.upstream.requests).toHaveLength(0);
    await stillServes();
  });

  it('refuses a malformed Authorization header', async () => {
    await expectError(await h.chat(chatBody(), { key: null, headers: { authorization: 'Basic abc' } }), 401, 'invalid_api_key');
  });

  it('refuses a body over the limit with 413, declared or chunked, and keeps serving', async () => {
    const big = JSON.stringify(chatBody({ messages: [{ role: 'user', content: 'x'.repeat(LIMIT) }] }));
    await expectError(await h.chat(big), 413, 'request_too_large');
    const chunked = await chunkedPost('/v1/chat/completions', big);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('request_too_large');
    await stillServes();
  });

  it('accepts a body just under the limit', async () => {
    const body = chatBody({ model: 'echo', messages: [{ role: 'user', content: '' }] });
    const filler = 'x'.repeat(LIMIT - JSON.stringify(body).length);
    const response = await h.chat({ ...body, messages: [{ role: 'user', content: filler }] });
    expect(response.status).toBe(200);
  });

  it('answers unknown routes with an OpenAI 404', async () => {
    await expectError(await fetch(`${h.url}/v1/audio/speech`, { method: 'POST', body: '{}' }), 404, 'route_not_found');
    await expectError(await fetch(`${h.url}/v1/chat/completions`), 404, 'route_not_found');
  });
});

describe('start-up', () => {
  it('refuses to share a port another gateway listens on', async () => {
    const second = startDataPlane({ bus: h.bus, host: '127.0.0.1', port: h.plane.port, secretBox: h.secretBox, maxBodyBytes: 1024, snapshotPollIntervalMs: 0 });
    await expect(second).rejects.toThrow(`could not listen on 127.0.0.1:${h.plane.port}: the address is already in use (EADDRINUSE)`);
    await stillServes();
  });

  it("says why it cannot listen on an address that is not this machine's", async () => {
    const elsewhere = startDataPlane({ bus: h.bus, host: '192.0.2.1', port: 0, secretBox: h.secretBox, maxBodyBytes: 1024, snapshotPollIntervalMs: 0 });
    await expect(elsewhere).rejects.toThrow(/could not listen on 192\.0\.2\.1:0: .*EADDRNOTAVAIL/);
  });
});

describe('upstream errors', () => {
  it('keeps a 429 with its retry-after and the upstream message', async () => {
    h.upstream.enqueue({
      kind: 'error',
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests',
      headers: { 'retry-after': '7' },
    });
    const response = await h.chat(chatBody());
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-tollgate-provider')).toBe('fake-openai');
    const error = await expectError(response, 429, 'upstream_rate_limited');
    expect(error.message).toContain('Rate limit reached for requests');
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ outcome: 'upstream_error', status: 429, promptTokens: 0, completionTokens: 0, costMicroUsd: 0, estimated: false });
  });

  it('keeps a 400 from the upstream as a 400', async () => {
    h.upstream.enqueue({ kind: 'error', status: 400, message: "Invalid value for 'temperature'", param: 'temperature' });
    const error = await expectError(await h.chat(chatBody()), 400, 'upstream_rejected_request');
    expect(error.message).toContain("Invalid value for 'temperature'");
  });

  it.each([
    [500, 502, 'upstream_error'],
    [502, 502, 'upstream_error'],
    [503, 503, 'upstream_unavailable'],
    [504, 504, 'upstream_timeout'],
  ])('maps an upstream %i to %i', async (upstreamStatus, status, code) => {
    h.upstream.enqueue({ kind: 'error', status: upstreamStatus, message: 'upstream trouble' });
    await expectError(await h.chat(chatBody()), status, code);
  });

  it('never tells the client about, nor leaks, a credential the upstream rejected', async () => {
    h.upstream.enqueue({ kind: 'error', status: 401, code: 'invalid_api_key', message: `Incorrect API key provided: ${UPSTREAM_KEY}.` });
    const response = await h.chat(chatBody());
    const text = await response.clone().text();
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).not.toContain('upstream-secret');
    await expectError(response, 502, 'upstream_auth_failed');
  });

  it('redacts the credential from other upstream messages', async () => {
    h.upstream.enqueue({ kind: 'error', status: 400, message: `bad request for key ${UPSTREAM_KEY}` });
    const text = await (await h.chat(chatBody())).text();
    expect(text).not.toContain('upstream-secret');
    expect(text).toContain('[redacted]');
  });

  it('does not relay a raw non-JSON upstream body', async () => {
    h.upstream.enqueue({ kind: 'raw', status: 500, body: '<html>internal stack trace here</html>' });
    const response = await h.chat(chatBody());
    const text = await response.clone().text();
    expect(text).not.toContain('stack trace');
    await expectError(response, 502, 'upstream_error');
  });

  it('maps a 200 that is not a chat.completion to 502', async () => {
    h.upstream.enqueue({ kind: 'raw', status: 200, body: '{"hello":"world"}', contentType: 'application/json' });
    await expectError(await h.chat(chatBody()), 502, 'upstream_invalid_response');
  });

  it('maps a dropped connection to 502 and keeps serving', async () => {
    h.upstream.enqueue({ kind: 'drop' });
    await expectError(await h.chat(chatBody()), 502, 'upstream_unreachable');
    await stillServes();
  });

  it('answers a stream that fails before it starts with a JSON error', async () => {
    h.upstream.enqueue({ kind: 'error', status: 503, message: 'overloaded' });
    await expectError(await h.chat(chatBody({ stream: true })), 503, 'upstream_unavailable');
  });

  it('ends a stream that fails midway with an error event and no [DONE]', async () => {
    h.upstream.enqueue({ kind: 'reply', content: 'one two three four', failAfterChunks: 2 });
    const response = await h.chat(chatBody({ stream: true }));
    expect(response.status).toBe(200);
    const frames = sseData(await response.text());
    expect(frames).not.toContain('[DONE]');
    const last = JSON.parse(frames.at(-1)!);
    expect(last.error).toMatchObject({ type: 'upstream_error', code: 'upstream_stream_error' });
    expect(last.error.message).toContain('The server had an error');
    const [event] = await h.usageOf(response);
    // The upstream did work before failing: estimated, not zero.
    expect(event).toMatchObject({ outcome: 'upstream_error', status: 200, estimated: true });
    expect(event.completionTokens).toBeGreaterThan(0);
    await stillServes();
  });
});

/** A POST with a chunked body (no content-length), read raw so an early answer is seen. */
function chunkedPost(path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, h.url);
    const req = httpRequest(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    setTimeout(() => req.end(body.slice(half)), 10);
  });
}
