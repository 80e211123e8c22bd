import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatBody, type Harness, KEYS, startHarness } from './harness.ts';

/**
 * HTTP/1.1 framing and message handling on the real uWS server, spoken byte by byte over raw
 * sockets (issue 11, items 3 and 4). What uWebSockets.js 20.30 itself cannot answer is pinned
 * here too, as documented in the README ("HTTP behind a proxy").
 */
let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness();
  port = h.plane.port;
});
afterAll(() => h.close());

interface Exchange {
  /** Everything the server sent. */
  text: string;
  /** Whether the server closed the connection within the wait. */
  closed: boolean;
}

/** Writes `chunks` (each its own write) and collects the answer until the server closes or `waitMs` passes. */
function exchange(chunks: string[], waitMs = 400): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (data) => (text += data.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? finish(true) : reject(error)));
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
  });
}

const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];
const body = JSON.stringify(chatBody({ model: 'echo' }));
const auth = `Authorization: Bearer ${KEYS.acme}\r\n`;
/** A request that would be answered 200 if it were ever served: the smuggler's payload. */
const smuggled = `GET /v1/models HTTP/1.1\r\nHost: x\r\n${auth}\r\n`;

async function stillServes() {
  const response = await h.chat(chatBody({ model: 'echo' }));
  expect(response.status).toBe(200);
  await response.text();
}

describe('Content-Length and Transfer-Encoding (RFC 9112 section 6)', () => {
  it('serves a plain Content-Length body and a chunked one, and a repeated equal Content-Length', async () => {
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    for (const head of [`Content-Length: ${body.length}\r\n`, `Content-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n`]) {
      const answer = await exchange([`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\n${head}\r\n${body}`]);
      expect(statusLines(answer.text)).toEqual(['HTTP/1.1 200 OK']);
    }
    for (const coding of ['chunked', 'Chunked']) {
      const answer = await exchange([
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: ${coding}\r\n\r\n${chunked}`,
      ]);
      expect(statusLines(answer.text)).toEqual(['HTTP/1.1 200 OK']);
    }
  });

  it.each([
    ['two differing Content-Length headers', `Content-Length: 5\r\nContent-Length: ${5 + smuggled.length}\r\n`, 'hello', 400, 'invalid_content_length'],
    ['Transfer-Encoding foo', 'Transfer-Encoding: foo\r\n', '5\r\nhello\r\n0\r\n\r\n', 400, 'invalid_transfer_encoding'],
    ['Transfer-Encoding xchunked', 'Transfer-Encoding: xchunked\r\n', '5\r\nhello\r\n0\r\n\r\n', 400, 'invalid_transfer_encoding'],
    ['Transfer-Encoding identity', 'Transfer-Encoding: identity\r\n', '5\r\nhello\r\n0\r\n\r\n', 400, 'invalid_transfer_encoding'],
    ['Transfer-Encoding chunked, gzip', 'Transfer-Encoding: chunked, gzip\r\n', '5\r\nhello\r\n0\r\n\r\n', 400, 'invalid_transfer_encoding'],
    [
      'Transfer-Encoding chunked then foo as two headers',
      'Transfer-Encoding: chunked\r\nTransfer-Encoding: foo\r\n',
      '5\r\nhello\r\n0\r\n\r\n',
      400,
      'invalid_transfer_encoding',
    ],
    ['Transfer-Encoding gzip, chunked', 'Transfer-Encoding: gzip, chunked\r\n', '5\r\nhello\r\n0\r\n\r\n', 501, 'unsupported_transfer_encoding'],
    [
      'Transfer-Encoding chunked twice',
      'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n',
      '5\r\nhello\r\n0\r\n\r\n',
      501,
      'unsupported_transfer_encoding',
    ],
  ])('refuses %s and closes, and never serves a request hidden behind it', async (_name, framing, payload, status, code) => {
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\n${framing}\r\n`;
    // Alone: the refusal, then the connection closes.
    const alone = await exchange([head + payload]);
    expect(statusLines(alone.text)).toEqual([expect.stringMatching(new RegExp(`^HTTP/1\\.1 ${status} `))]);
    expect(alone.text).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(alone.text.slice(alone.text.indexOf('\r\n\r\n') + 4)).error).toMatchObject({ code });
    expect(alone.closed).toBe(true);
    // With a second request in the same packet (what a proxy framing differently would forward as
    // one body): the connection ends and the second request is never answered.
    const pipelined = await exchange([head + payload + smuggled]);
    expect(pipelined.closed).toBe(true);
    expect(pipelined.text).not.toContain('200 OK');
    expect(statusLines(pipelined.text).length).toBeLessThanOrEqual(1);
    // And sent after the refusal: nobody is listening on that connection any more.
    const later = await exchange([head + payload, smuggled]);
    expect(later.closed).toBe(true);
    expect(later.text).not.toContain('200 OK');
    await stillServes();
  });

  it.each([
    ['both Content-Length and Transfer-Encoding', 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    ['a Content-Length list of different values', `Content-Length: 5, ${5 + smuggled.length}\r\n\r\nhello`],
    ['a Content-Length that is not a number', 'Content-Length: +5\r\n\r\nhello'],
  ])('never serves a request with %s (uWS closes it unanswered)', async (_name, framing) => {
    const answer = await exchange([`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${auth}${framing}${smuggled}`]);
    expect(answer.closed).toBe(true);
    expect(answer.text).not.toContain('200 OK');
    await stillServes();
  });
});

describe('HEAD', () => {
  it.each(['/healthz', '/v1/models', '/v1/nope'])('answers HEAD %s with the GET headers and no body, keeping the connection usable', async (path) => {
    const get = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${KEYS.acme}` } });
    const getLength = Number(get.headers.get('content-length'));
    await get.text();
    const answer = await exchange([`HEAD ${path} HTTP/1.1\r\nHost: x\r\n${auth}\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`]);
    const [headResponse, next] = answer.text.split(/(?=HTTP\/1\.1 )/);
    expect(headResponse).toMatch(new RegExp(`^HTTP/1\\.1 ${get.status} `));
    // The length the body would have (the 404 names the method, one letter longer than GET).
    expect(headResponse).toMatch(new RegExp(`\\r\\nContent-Length: ${path === '/v1/nope' ? getLength + 1 : getLength}\\r\\n`, 'i'));
    // Nothing after the head: the next bytes are the second response's status line.
    expect(headResponse.endsWith('\r\n\r\n')).toBe(true);
    expect(next).toMatch(/^HTTP\/1\.1 200 OK/);
  });
});

describe('requests uWebSockets.js 20.30 does not answer (README: put a proxy in front)', () => {
  // Pinned so that an upgrade that starts answering them shows up here (then update the README).
  it.each([
    ['HTTP/1.0', 'GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n'],
    ['an absolute-form target', 'GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an asterisk-form target', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['no Host header', 'GET /healthz HTTP/1.1\r\n\r\n'],
    ['49 headers', `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 48 }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`],
    ['2,000 headers', `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2_000 }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`],
    ['a control character in a header value', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: a\x01b\r\n\r\n'],
  ])('%s: no answer, nothing served, the server unharmed', async (_name, request) => {
    const answer = await exchange([request], 300);
    expect(answer.text).toBe('');
    await stillServes();
  });

  it('closes a connection that pipelines a request behind one still being answered, both unanswered', async () => {
    // uWS (HttpContext.h) denies "async pipelining": a request that arrives while the previous
    // one is pending closes the socket. Every model request is answered after an await, so a
    // client that pipelines (sends before the answer came) loses both; GETs answered at once pipeline.
    const chat = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const models = `GET /v1/models HTTP/1.1\r\nHost: x\r\n${auth}\r\n`;
    const behindChat = await exchange([chat + models]);
    expect(behindChat).toEqual({ text: '', closed: true });
    const behindModels = await exchange([models + chat]);
    expect(statusLines(behindModels.text)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    await stillServes();
  });

  it('answers up to 48 headers', async () => {
    const answer = await exchange([`GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 47 }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`]);
    expect(statusLines(answer.text)).toEqual(['HTTP/1.1 200 OK']);
  });
});
