import type { ErrorFormat, Exchange } from '../http/exchange.ts';
import type { EventStream } from '../http/sse-stream.ts';
import { dataOfFrames } from '../providers/sse-parser.ts';

/** One SSE frame as sent: its data and, on Anthropic's and the Responses API's streams, its event name. */
export interface RecordedFrame {
  data: string;
  event?: string;
}

/** A complete successful response: a 2xx JSON body, or every SSE frame of a stream that ended well. */
export type RecordedResponse = { kind: 'json'; status: number; body: unknown } | { kind: 'sse'; frames: RecordedFrame[] };

/**
 * The frame that ends a stream well, in each protocol: OpenAI's `[DONE]`, Anthropic's
 * `message_stop`, the Responses API's `response.completed`. A stream cut by an error never sends
 * one (its last frame is the error event).
 */
function endsWell(frame: RecordedFrame): boolean {
  return frame.data === '[DONE]' || frame.event === 'message_stop' || frame.event === 'response.completed';
}

/**
 * Passes everything through and keeps a successful response (JSON 2xx, or SSE up to the frame
 * that ends it well): the final write waits for `persist`, so a client that retries at once
 * already finds what was kept. Writes after an await are safe: the exchange corks them. Used by
 * the idempotency stage and the response cache.
 */
export class RecordingExchange implements Exchange {
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    private readonly inner: Exchange,
    private readonly persist: (response: RecordedResponse) => Promise<void>,
  ) {}

  get requestId() {
    return this.inner.requestId;
  }
  get meterId() {
    return this.inner.meterId;
  }
  get method() {
    return this.inner.method;
  }
  get path() {
    return this.inner.path;
  }
  get headers() {
    return this.inner.headers;
  }
  get body() {
    return this.inner.body;
  }
  get receivedAt() {
    return this.inner.receivedAt;
  }
  get cancellation() {
    return this.inner.cancellation;
  }
  get signal() {
    return this.inner.signal;
  }

  setHeader(name: string, value: string): void {
    this.inner.setHeader(name, value);
  }

  setOverhead(notGatewayMs: number): void {
    this.inner.setOverhead(notGatewayMs);
  }

  sendJson(status: number, body: unknown, json?: string): void {
    if (status < 200 || status >= 300) return this.inner.sendJson(status, body, json);
    this.persisting = this.persist({ kind: 'json', status, body }).finally(() => this.inner.sendJson(status, body, json));
  }

  openEventStream(): EventStream {
    const stream = this.inner.openEventStream();
    const frames: RecordedFrame[] = [];
    return {
      send: async (data, event) => {
        const frame = event === undefined ? { data } : { data, event };
        frames.push(frame);
        if (endsWell(frame) && !this.cancellation.aborted) {
          this.persisting = this.persist({ kind: 'sse', frames });
          await this.persisting;
        }
        return stream.send(data, event);
      },
      sendFrames: (bytes) => {
        // Content frames only (the end of a stream always comes through `send`): kept as sent.
        for (const data of dataOfFrames(bytes)) frames.push({ data });
        return stream.sendFrames(bytes);
      },
      holdForEnd: () => stream.holdForEnd(),
      end: () => stream.end(),
    };
  }

  fail(error: unknown): void {
    this.inner.fail(error);
  }

  setErrorFormat(format: ErrorFormat): void {
    this.inner.setErrorFormat(format);
  }

  /** Plain-text answers (none on the model routes) are passed through and never kept. */
  sendText(status: number, contentType: string, body: string): void {
    this.inner.sendText(status, contentType, body);
  }

  /** Resolves once a response being kept is kept (or failed to be). */
  persisted(): Promise<void> {
    return this.persisting;
  }
}
