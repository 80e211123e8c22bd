import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CompletionUsage } from '../../shared/openai/chat-response.ts';

/**
 * A fake OpenAI-compatible upstream on node:http that speaks the real wire format: a
 * `chat.completion` JSON with usage; SSE `data: {chat.completion.chunk}\n\n` frames, a usage-only
 * chunk (choices: []) when the request asked for `stream_options.include_usage`, then
 * `data: [DONE]\n\n`; OpenAI error bodies for injected failures. It records every request
 * (headers, body, and whether the client went away before the answer ended).
 *
 * Behaviours are queued per request (`enqueue`), falling back to the default reply.
 */

export interface FakeReply {
  kind: 'reply';
  /** Assistant text. Streamed as `chunks` when given, otherwise one chunk per word. */
  content?: string;
  chunks?: string[];
  /** Usage to report; `null` reports none even when asked (a non-compliant server). */
  usage?: CompletionUsage | null;
  finishReason?: string;
  /** Before the response head. */
  delayMs?: number;
  /** Between streamed frames. */
  chunkDelayMs?: number;
  /** Stream this many content chunks, then hold the connection open until the client leaves. */
  hangAfterChunks?: number;
  /** Stream this many content chunks, then an OpenAI error frame, then close (no [DONE]). */
  failAfterChunks?: number;
  /** Stream this many content chunks, then destroy the connection (no error frame, no [DONE]). */
  cutAfterChunks?: number;
  /** Write the stream in slices of this many bytes, to cut frames and UTF-8 characters anywhere. */
  sliceBytes?: number;
  /** Between `data: [DONE]` and the end of the response (the reader sees the marker first). */
  endDelayMs?: number;
}

export interface FakeError {
  kind: 'error';
  status: number;
  message: string;
  type?: string;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
}

/** A body that is not what the protocol promises (garbage JSON, HTML error pages...). */
export interface FakeRaw {
  kind: 'raw';
  status: number;
  body: string;
  contentType?: string;
}

/** Destroys the connection without answering. */
export interface FakeDrop {
  kind: 'drop';
}

export type FakeBehavior = FakeReply | FakeError | FakeRaw | FakeDrop;

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: any;
  /** `aborted` when the client closed the connection before the answer was complete. */
  outcome: 'pending' | 'completed' | 'aborted';
  /** Resolves with the final outcome. */
  ended: Promise<'completed' | 'aborted'>;
}

export interface FakeOpenAIUpstream {
  /** `http://127.0.0.1:<port>/v1`: what a provider's baseUrl should be. */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Behaviours for the next requests, in arrival order. */
  enqueue(...behaviors: FakeBehavior[]): void;
  /** Resolves with the next request to arrive (or the oldest not yet awaited one). */
  nextRequest(): Promise<RecordedRequest>;
  /** Forgets recorded requests and queued behaviours. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** When set, any other bearer token gets OpenAI's 401 `invalid_api_key`. */
  apiKey?: string;
  defaultReply?: Omit<FakeReply, 'kind'>;
}

export const DEFAULT_FAKE_CONTENT = 'Hello from the fake upstream!';
export const DEFAULT_FAKE_USAGE: CompletionUsage = {
  prompt_tokens: 21,
  completion_tokens: 7,
  total_tokens: 28,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

export async function startFakeOpenAIUpstream(options: FakeUpstreamOptions = {}): Promise<FakeOpenAIUpstream> {
  const requests: RecordedRequest[] = [];
  const queue: FakeBehavior[] = [];
  const waiters: ((request: RecordedRequest) => void)[] = [];
  let handedOut = 0;
  let sequence = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let resolveEnded!: (outcome: 'completed' | 'aborted') => void;
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody),
      outcome: 'pending',
      ended: new Promise((resolve) => (resolveEnded = resolve)),
    };
    res.on('close', () => {
      recorded.outcome = res.writableFinished ? 'completed' : 'aborted';
      resolveEnded(recorded.outcome);
    });
    requests.push(recorded);
    const waiter = waiters.shift();
    if (waiter) {
      handedOut++;
      waiter(recorded);
    }

    const id = `chatcmpl-fake${++sequence}`;
    res.setHeader('x-request-id', `req_fake_${sequence}`);
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, {
        kind: 'error',
        status: 401,
        code: 'invalid_api_key',
        message: `Incorrect API key provided: ${maskKey(req.headers.authorization)}.`,
      });
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return sendError(res, { kind: 'error', status: 404, code: 'unknown_url', message: `Unknown request URL: ${req.method} ${req.url}.` });
    }
    const behavior = queue.shift() ?? { kind: 'reply', ...options.defaultReply };
    if (behavior.kind === 'drop') return void req.socket.destroy();
    if (behavior.kind === 'error') return sendError(res, behavior);
    if (behavior.kind === 'raw') {
      res.writeHead(behavior.status, { 'content-type': behavior.contentType ?? 'text/html' });
      return void res.end(behavior.body);
    }
    if (behavior.delayMs) await sleep(behavior.delayMs);
    if (res.destroyed) return;
    const model = String(recorded.body?.model ?? 'unknown');
    if (recorded.body?.stream === true) await streamReply(res, behavior, id, model, recorded.body?.stream_options?.include_usage === true);
    else sendCompletion(res, behavior, id, model);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    enqueue: (...behaviors) => void queue.push(...behaviors),
    nextRequest() {
      if (handedOut < requests.length) return Promise.resolve(requests[handedOut++]);
      return new Promise((resolve) => waiters.push(resolve));
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      handedOut = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function sendCompletion(res: ServerResponse, reply: FakeReply, id: string, model: string): void {
  const usage = reply.usage === undefined ? DEFAULT_FAKE_USAGE : reply.usage;
  const body = {
    id,
    object: 'chat.completion',
    created: 1_763_856_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content ?? reply.chunks?.join('') ?? DEFAULT_FAKE_CONTENT, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: reply.finishReason ?? 'stop',
      },
    ],
    ...(usage ? { usage } : {}),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function streamReply(res: ServerResponse, reply: FakeReply, id: string, model: string, includeUsage: boolean): Promise<void> {
  const content = reply.content ?? DEFAULT_FAKE_CONTENT;
  const pieces = reply.chunks ?? content.split(/(?<= )/);
  const usage = reply.usage === undefined ? DEFAULT_FAKE_USAGE : reply.usage;
  const base = { id, object: 'chat.completion.chunk', created: 1_763_856_000, model, service_tier: 'default', system_fingerprint: 'fp_fake' };
  // With include_usage the real API puts `"usage": null` on every chunk but the last.
  const withUsageNull = includeUsage ? { usage: null } : {};
  const frame = (delta: object, finishReason: string | null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...withUsageNull })}\n\n`;

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  // Like OpenAI, the head goes out at once, before the first event (node holds it for the first write).
  res.flushHeaders();
  const write = async (text: string) => {
    if (res.destroyed) return;
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    const bytes = Buffer.from(text, 'utf8');
    const slice = reply.sliceBytes ?? bytes.length;
    for (let offset = 0; offset < bytes.length && !res.destroyed; offset += slice) {
      // Like a real server, stop producing while the reader applies backpressure.
      if (!res.write(bytes.subarray(offset, offset + slice))) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      // Yield between slices so each leaves as its own TCP write and the reader sees the cut.
      if (reply.sliceBytes) await new Promise(setImmediate);
    }
  };

  await write(frame({ role: 'assistant', content: '', refusal: null }, null));
  for (const [index, piece] of pieces.entries()) {
    if (reply.hangAfterChunks === index) return; // the connection stays open until the client leaves
    // Flush what was written first, so the reader sees the chunks and then the cut.
    if (reply.cutAfterChunks === index) return void res.write('', () => res.destroy());
    if (reply.failAfterChunks === index) {
      await write(
        `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } })}\n\n`,
      );
      return void res.end();
    }
    await write(frame({ content: piece }, null));
  }
  await write(frame({}, reply.finishReason ?? 'stop'));
  if (includeUsage && usage) await write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
  await write('data: [DONE]\n\n');
  if (reply.endDelayMs) await sleep(reply.endDelayMs);
  res.end();
}

function sendError(res: ServerResponse, error: FakeError): void {
  const type = error.type ?? (error.status === 429 ? 'rate_limit_error' : error.status >= 500 ? 'server_error' : 'invalid_request_error');
  res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
  res.end(JSON.stringify({ error: { message: error.message, type, param: error.param ?? null, code: error.code ?? null } }));
}

/** OpenAI echoes a wrong key masked, e.g. `sk-abc*********wxyz`. */
function maskKey(authorization: string | undefined): string {
  const key = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  return key.length > 10 ? `${key.slice(0, 6)}${'*'.repeat(key.length - 10)}${key.slice(-4)}` : '***';
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
