import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { encodeEventStream } from './aws-event-stream.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/providers');

/** A recorded wire fixture, by path under test/fixtures/providers (e.g. `anthropic/text.sse`). */
export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** One scripted answer: a fixture file (or literal body) replayed with a status. */
export interface FixtureReply {
  status?: number;
  /**
   * Path under test/fixtures/providers; `.sse` files are served as text/event-stream,
   * `.eventstream.json` files (a list of messages) encoded in AWS's binary event-stream framing.
   */
  file?: string;
  body?: string;
  /** A binary body, sent as is. */
  bodyBytes?: Uint8Array;
  headers?: Record<string, string>;
  /**
   * Write the body in slices of this many bytes, each its own write, so frames and UTF-8
   * characters are cut anywhere on their way to the gateway.
   */
  sliceBytes?: number;
  /** Wait this long before the response head (an upstream that hangs). */
  delayMs?: number;
}

export interface RecordedFixtureRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** The body as sent (what a signature covers). */
  rawBody: string;
}

/**
 * A fake upstream for any HTTP provider kind: it replays queued fixture files whatever the path,
 * and records each request so tests can check the mapped wire request (path, headers, body).
 * With nothing queued it answers 599, so a test that forgot to script a reply fails loudly.
 */
export interface FakeFixtureUpstream {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly requests: RecordedFixtureRequest[];
  enqueue(...replies: FixtureReply[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeFixtureUpstream(): Promise<FakeFixtureUpstream> {
  const requests: RecordedFixtureRequest[] = [];
  const queue: FixtureReply[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, rawBody: raw });
    const reply = queue.shift();
    if (!reply) return void res.writeHead(599).end('no reply queued');
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    const text = reply.file ? fixture(reply.file) : (reply.body ?? '');
    const sse = reply.file?.endsWith('.sse') ?? false;
    const eventStream = reply.file?.endsWith('.eventstream.json') ?? false;
    const contentType = sse ? 'text/event-stream' : eventStream ? 'application/vnd.amazon.eventstream' : 'application/json';
    res.writeHead(reply.status ?? 200, { 'content-type': contentType, ...reply.headers });
    const bytes = reply.bodyBytes ? Buffer.from(reply.bodyBytes) : eventStream ? encodeEventStream(JSON.parse(text)) : Buffer.from(text, 'utf8');
    const slice = reply.sliceBytes ?? bytes.length;
    for (let offset = 0; offset < bytes.length && !res.destroyed; offset += slice) {
      res.write(bytes.subarray(offset, offset + slice));
      // Each slice leaves as its own TCP write, so the reader really sees the cut.
      if (reply.sliceBytes) await new Promise(setImmediate);
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
