import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../logger.ts';
import { type AbortHook, Cancellation } from './cancellation.ts';
import { FramingCheck } from './framing.ts';
import { randomHex128 } from './random-hex.ts';
import { type EventStream, UwsEventStream } from './sse-stream.ts';

/**
 * One HTTP request and its response, as routes see it: plain data in, typed responses out.
 * Routes never touch uWS; everything uWS-specific (corking, aborts, backpressure) is in here.
 */
export interface Exchange {
  /** The client's `x-request-id` when it is sane, otherwise a new one; echoed on every response. */
  readonly requestId: string;
  /**
   * Unique per request, even when a client reuses its `x-request-id` (retrying SDKs do): usage
   * event ids are built from it, and the ledger stores an event id once, so a reused id would
   * bill the retry at $0. The client's id, when given, is its prefix for correlation.
   */
  readonly meterId: string;
  readonly method: string;
  readonly path: string;
  /** Lower-cased header names, copied before any await (uWS requests die with the callback). */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body (empty for bodiless routes), complete and within the size limit. */
  readonly body: Buffer;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
  /**
   * Aborted when the client disconnects (or the drain deadline abandons the exchange). Costs
   * nothing until asked: read `cancellation.aborted` and use `onAbort` on the hot path.
   */
  readonly cancellation: AbortHook;
  /** `cancellation.signal`: an AbortSignal, made on first use, for APIs that take one. */
  readonly signal: AbortSignal;
  /** A header for whatever response is eventually sent, including an error. */
  setHeader(name: string, value: string): void;
  /**
   * Adds `x-tollgate-overhead-ms` to the response: the time from the request's arrival to the
   * writing of the response head, less `notGatewayMs` (the upstream's own time, deliberate
   * backoff sleeps). Taken when the head is written, so serialising the answer counts too.
   */
  setOverhead(notGatewayMs: number): void;
  /**
   * A JSON answer. `json`, when given, is `body` already serialised (an upstream's own bytes,
   * relayed unchanged): written as it is instead of JSON.stringify(body).
   */
  sendJson(status: number, body: unknown, json?: string): void;
  /** A non-JSON body (the Prometheus text format, say). */
  sendText(status: number, contentType: string, body: string): void;
  /**
   * Starts the SSE response (status 200); the returned stream is then the only way to write the
   * body. The head leaves with the first frames (one write), so headers set until then still go.
   */
  openEventStream(): EventStream;
  /**
   * Renders an error, once: the OpenAI error JSON before the response started, a final SSE error
   * event (and no `[DONE]`) once it streams, nothing after the client left.
   */
  fail(error: unknown): void;
  /** Errors from now on render in this protocol (an ingress sets it before anything can fail). */
  setErrorFormat(format: ErrorFormat): void;
}

/**
 * How an ingress renders the data plane's one error family in its own protocol. Without one,
 * errors are OpenAI's (`{"error":{...}}`, and that body as the final SSE `data:` frame).
 */
export interface ErrorFormat {
  /** The status and JSON body of an error answered before the response started. */
  json(error: GatewayError): { status: number; body: unknown };
  /** The final SSE frame of a stream that fails after it started; null when the ingress already sent its own. */
  event(error: GatewayError): { event?: string; data: string } | null;
}

/** What observers (metrics, drain) read once the exchange is over. */
export interface FinishedExchange extends Exchange {
  /** The status written, 499 when the client left before any, null while nothing was written. */
  readonly statusCode: number | null;
  /** The error code rendered by fail(), if any (`rate_limit_exceeded`, `invalid_api_key`...). */
  readonly errorCode: string | null;
  /**
   * Ends the exchange from outside its handler (the drain deadline): renders `error` like fail()
   * and aborts `signal`, so the handler stops its upstream work and meters the attempt.
   */
  abandon(error: unknown): void;
}

type State = 'open' | 'streaming' | 'done' | 'aborted';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const JSON_TYPE = 'application/json';
const EMPTY = Buffer.alloc(0);

export class UwsExchange implements FinishedExchange {
  readonly requestId: string;
  readonly meterId: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string> = {};
  readonly receivedAt = performance.now();
  body: Buffer = EMPTY;
  readonly cancellation = new Cancellation();
  private readonly extraHeaders: [string, string][] = [];
  private state: State = 'open';
  private stream: UwsEventStream | null = null;
  /** Set when the request body was not fully read: the connection cannot be reused. */
  closeConnection = false;
  private writtenStatus: number | null = null;
  private renderedErrorCode: string | null = null;
  private errorFormat: ErrorFormat | null = null;
  /** See setOverhead; null: no overhead header. */
  private notGatewayMs: number | null = null;
  /** Set when the request's framing is unsound (conflicting Content-Length, unknown Transfer-Encoding). */
  readonly framingError: GatewayError | null;

  /** Must run synchronously inside the uWS handler: it copies `req` and attaches onAborted. */
  constructor(
    private readonly res: HttpResponse,
    req: HttpRequest,
    private readonly logger: Logger,
  ) {
    res.onAborted(() => {
      this.state = 'aborted';
      this.cancellation.abort();
      this.stream?.wake();
    });
    this.method = req.getMethod().toUpperCase();
    this.path = req.getUrl();
    let framing: FramingCheck | null = null;
    req.forEach((key, value) => {
      this.headers[key] = value;
      if (key === 'content-length' || key === 'transfer-encoding') (framing ??= new FramingCheck()).header(key, value);
    });
    this.framingError = framing === null ? null : (framing as FramingCheck).check();
    const clientId = this.headers['x-request-id'];
    const generated = `req_${randomHex128()}`;
    const fromClient = clientId !== undefined && REQUEST_ID.test(clientId);
    this.requestId = fromClient ? clientId : generated;
    this.meterId = fromClient ? `${clientId}~${generated.slice(4, 16)}` : generated;
  }

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  get statusCode(): number | null {
    if (this.writtenStatus === null && this.state === 'aborted') return 499;
    return this.writtenStatus;
  }

  get errorCode(): string | null {
    return this.renderedErrorCode;
  }

  abandon(error: unknown): void {
    this.fail(error);
    this.cancellation.abort(error);
    this.stream?.wake();
  }

  /** True until the response ended or the client left. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  setErrorFormat(format: ErrorFormat): void {
    this.errorFormat = format;
  }

  setHeader(name: string, value: string): void {
    this.extraHeaders.push([name, value]);
  }

  setOverhead(notGatewayMs: number): void {
    this.notGatewayMs = notGatewayMs;
  }

  sendJson(status: number, body: unknown, json?: string): void {
    this.sendRaw(status, JSON_TYPE, json ?? JSON.stringify(body));
  }

  sendText(status: number, contentType: string, body: string): void {
    this.sendRaw(status, contentType, body);
  }

  openEventStream(): EventStream {
    if (this.state !== 'open') throw new Error(`cannot open an event stream in state ${this.state}`);
    this.state = 'streaming';
    this.stream = new UwsEventStream(
      this.res,
      () => {
        this.writeHead(200, 'text/event-stream; charset=utf-8');
        this.res.writeHeader('cache-control', 'no-cache');
        // Proxies such as nginx buffer responses by default, which would hold back every token.
        this.res.writeHeader('x-accel-buffering', 'no');
      },
      () => this.state === 'streaming',
      () => (this.state = 'done'),
    );
    return this.stream;
  }

  fail(error: unknown): void {
    const gatewayError = toGatewayError(error);
    if (this.state === 'open' || this.state === 'streaming') this.renderedErrorCode = gatewayError.code;
    if (gatewayError.type === 'internal_error') {
      // A bug of ours: the cause (never sent to the client) is what the log is for.
      this.logger.error({ requestId: this.requestId, err: gatewayError.cause ?? gatewayError }, 'request failed');
    } else if (gatewayError.status >= 500) {
      this.logger.warn({ requestId: this.requestId, status: gatewayError.status, code: gatewayError.code, reason: gatewayError.message }, 'request failed');
    }
    if (this.state === 'open') {
      if (gatewayError.retryAfterSeconds !== undefined) this.setHeader('retry-after', String(gatewayError.retryAfterSeconds));
      const rendered = this.errorFormat?.json(gatewayError) ?? { status: gatewayError.status, body: gatewayError.toBody() };
      this.sendRaw(rendered.status, JSON_TYPE, JSON.stringify(rendered.body));
    } else if (this.state === 'streaming' && this.stream) {
      // Never a clean-looking end: the error event is the last frame and `[DONE]` never comes.
      const frame = this.errorFormat ? this.errorFormat.event(gatewayError) : { data: JSON.stringify(gatewayError.toBody()) };
      if (frame) void this.stream.send(frame.data, frame.event);
      this.stream.end();
    }
  }

  private sendRaw(status: number, contentType: string, body: string): void {
    if (this.state !== 'open') return;
    this.state = 'done';
    this.res.cork(() => {
      this.writeHead(status, contentType);
      // A HEAD answer has the headers a GET would have and no body (RFC 9110 9.3.2): a body here
      // would be read by a keep-alive client as the start of the next response.
      // uWS 20.30's endWithoutBody(length) leaves the response pending (it waits for that many
      // bytes): the length goes in as a header and the response ends without one of uWS's own.
      if (this.method !== 'HEAD') this.res.end(body, this.closeConnection);
      else if (this.closeConnection) this.res.end('', true);
      else {
        this.res.writeHeader('content-length', String(Buffer.byteLength(body)));
        this.res.endWithoutBody();
      }
    });
  }

  private writeHead(status: number, contentType: string): void {
    this.writtenStatus = status;
    this.res.writeStatus(`${status} ${STATUS_CODES[status] ?? ''}`);
    this.res.writeHeader('content-type', contentType);
    this.res.writeHeader('x-request-id', this.requestId);
    for (const [name, value] of this.extraHeaders) this.res.writeHeader(name, value);
    if (this.notGatewayMs !== null) {
      const overhead = performance.now() - this.receivedAt - this.notGatewayMs;
      this.res.writeHeader('x-tollgate-overhead-ms', Math.max(0, overhead).toFixed(2));
    }
  }
}
