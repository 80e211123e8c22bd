import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { AbortHook } from '../http/cancellation.ts';
import type { UpstreamTiming } from './adapter.ts';
import { util } from './undici-parts.ts';

/** An upstream's answer as undici's dispatch handler delivers it: no Readable, no web stream. */
export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/** Bytes held before the upstream read is paused (a slow consumer slows the upstream). */
const HIGH_WATER_BYTES = 64 * 1024;
/** Bytes an answer may still send after its mapping saw the end (`[DONE]`) before we cut it. */
const MAX_TRAILING_BYTES = 64 * 1024;
/** How long the rest may take (the attempt's deadlines no longer run); then it is cut. */
const MAX_TRAILING_MS = 5_000;

/**
 * A response body fed by undici's handler callbacks: read it whole (`text`) or chunk by chunk
 * (async iteration, with backpressure: the socket pauses while chunks wait). `destroy` stops the
 * upstream request; it is a no-op once the body ended.
 */
export class UpstreamBody implements AsyncIterable<Uint8Array> {
  private readonly chunks: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure: unknown = null;
  private stopped = false;
  /** Bytes still allowed after discardRest(); -1 while the body is being read. */
  private trailingAllowance = -1;
  private trailingTimer: NodeJS.Timeout | null = null;
  private waiter: { resolve(result: IteratorResult<Uint8Array>): void; reject(error: unknown): void } | null = null;
  private collector: { resolve(text: string): void; reject(error: unknown): void } | null = null;

  constructor(private readonly controller: BodyController) {}

  /** True once the body ended, failed or was destroyed. */
  get destroyed(): boolean {
    return this.ended || this.stopped || this.failure !== null;
  }

  /** @internal handler side */
  push(chunk: Buffer): void {
    if (this.trailingAllowance >= 0) {
      this.trailingAllowance -= chunk.length;
      if (this.trailingAllowance < 0) this.destroy();
      return;
    }
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve({ done: false, value: chunk });
      return;
    }
    this.chunks.push(chunk);
    this.queuedBytes += chunk.length;
    if (!this.collector && this.queuedBytes >= HIGH_WATER_BYTES && !this.controller.paused) this.controller.pause();
  }

  /** @internal handler side */
  end(): void {
    this.ended = true;
    if (this.trailingTimer) clearTimeout(this.trailingTimer);
    if (this.collector) this.collector.resolve(this.drainText());
    else if (this.waiter) this.waiter.resolve({ done: true, value: undefined });
    this.collector = null;
    this.waiter = null;
  }

  /** @internal handler side */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = error;
    this.collector?.reject(error);
    this.waiter?.reject(error);
    this.collector = null;
    this.waiter = null;
  }

  /** The whole body as UTF-8 text. */
  text(): Promise<string> {
    if (this.ended) return Promise.resolve(this.drainText());
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.controller.paused) this.controller.resume();
    return new Promise((resolve, reject) => (this.collector = { resolve, reject }));
  }

  /**
   * The reader has all it needs (a stream's `[DONE]`, Anthropic's `message_stop`): the rest is read
   * and dropped so the connection goes back to the pool, instead of cancelling the request, which
   * closes a keep-alive connection (and the next request pays a new one). A rest longer than
   * MAX_TRAILING_BYTES is cut.
   */
  discardRest(): void {
    if (this.destroyed) return;
    this.chunks.length = 0;
    this.queuedBytes = 0;
    this.trailingAllowance = MAX_TRAILING_BYTES;
    if (this.controller.paused) this.controller.resume();
    // Rare (the end usually comes in the same read as the marker): one timer, only then.
    this.trailingTimer = setTimeout(() => this.destroy(), MAX_TRAILING_MS).unref();
  }

  /** Stops reading and cancels the upstream request (nothing happens once the body ended). */
  destroy(): void {
    if (this.destroyed) return;
    this.stopped = true;
    this.controller.abort(new Error('upstream body no longer read'));
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        if (this.chunks.length > 0) {
          // Everything that arrived since the last read, as one: an upstream that writes each SSE
          // frame as its own HTTP chunk hands undici many small chunks per socket read, and each
          // step of a stream's relay (mapping, relay loop, write) costs about the same whatever its size.
          const value = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.queuedBytes);
          this.chunks.length = 0;
          this.queuedBytes = 0;
          if (this.controller.paused) this.controller.resume();
          return Promise.resolve({ done: false, value });
        }
        if (this.failure !== null) return Promise.reject(this.failure);
        if (this.ended || this.stopped) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
      },
      // A reader that stops early leaves the body to its owner: guardStream() destroys it, or
      // discards the rest when the mapping ended at the stream's own end marker.
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  private drainText(): string {
    const text = this.chunks.length === 1 ? this.chunks[0].toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.chunks.length = 0;
    this.queuedBytes = 0;
    return text;
  }
}

/** The pause/resume/abort handle UpstreamBody drives (undici's controller, or ours below). */
export interface BodyController {
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  abort(reason: unknown): void;
}

/**
 * An answer's status and body, its headers parsed only when read: an accepted answer's are rarely
 * looked at (error mapping reads them). The raw buffers are views of socket reads undici never
 * reuses. A class, not an object literal with a getter: V8 builds such a literal on its slow path
 * (464 -> 15 ns in a micro-benchmark), and this is made for every upstream answer.
 */
class ResponseHead implements UpstreamResponse {
  private parsed: IncomingHttpHeaders | null = null;

  constructor(
    readonly statusCode: number,
    private readonly rawHeaders: Buffer[],
    readonly body: UpstreamBody,
  ) {}

  get headers(): IncomingHttpHeaders {
    return (this.parsed ??= util.parseHeaders(this.rawHeaders) as IncomingHttpHeaders);
  }
}

/**
 * One request through undici's `dispatch` with a handler: resolves at the response head with the
 * status, headers and a body that the handler feeds. The cancellation stops it at any point (its
 * reason is the error). One listener on it, removed when the response ends.
 *
 * The handler uses undici's callback API (onConnect/onHeaders/onData/onComplete): it is the one
 * with `onRequestSent`, the moment our request left (the upstream's time starts there, so
 * `x-tollgate-overhead-ms` counts undici's own work as the gateway's), and undici calls it
 * without the per-request adapter objects its newer API goes through.
 */
export function dispatchUpstream(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  cancellation: AbortHook,
  timing?: UpstreamTiming,
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    if (cancellation.aborted) return reject(cancellation.reason);
    dispatcher.dispatch(options, new UpstreamDispatch(cancellation, timing, resolve, reject));
  });
}

/**
 * One request's undici handler and its body's controller (pause, resume, abort) in one object.
 * A class, not object literals with methods: V8 builds those on its slow path, and the handler
 * and controller literals cost 930 ns per upstream request in a micro-benchmark.
 */
class UpstreamDispatch implements Dispatcher.DispatchHandler, BodyController {
  paused = false;
  private abortRequest: ((reason: Error) => void) | null = null;
  private resumeSocket: (() => void) | null = null;
  private body: UpstreamBody | null = null;
  /** The cancellation's listener, removed when the response ends. */
  private readonly onAbort = (reason: unknown) => this.abort(reason);

  constructor(
    private readonly cancellation: AbortHook,
    private readonly timing: UpstreamTiming | undefined,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    cancellation.onAbort(this.onAbort);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.resumeSocket?.();
  }

  abort(reason: unknown): void {
    this.abortRequest?.(reason as Error);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort;
    if (this.cancellation.aborted) abort(this.cancellation.reason as Error);
  }

  /** undici calls it on callback-API handlers (lib/core/request.js); its typings omit it. */
  onRequestSent(): void {
    if (this.timing) this.timing.sentAt = performance.now();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.resumeSocket = resume;
    if (this.timing) this.timing.lastByteAt = performance.now();
    this.body = new UpstreamBody(this);
    this.resolve(new ResponseHead(statusCode, rawHeaders, this.body));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.timing) this.timing.lastByteAt = performance.now();
    this.body?.push(chunk);
    return !this.paused;
  }

  onComplete(): void {
    this.cancellation.offAbort(this.onAbort);
    this.body?.end();
  }

  onError(error: Error): void {
    this.cancellation.offAbort(this.onAbort);
    if (this.body) this.body.fail(error);
    else this.reject(error);
  }
}
