import type { HttpResponse } from 'uWebSockets.js';

/**
 * A Server-Sent Events response body. `send` resolves once the frame is handed to the socket
 * without backpressure, so a producer that awaits it is paced by the client (and in turn paces
 * the upstream it reads from).
 */
export interface EventStream {
  /**
   * Queues `data: <data>\n\n` for the socket (written at the end of this event-loop turn),
   * preceded by `event: <event>\n` when named (Anthropic's and the Responses API's streams).
   * Resolves at once unless the socket is applying backpressure; immediately if the client is gone.
   */
  send(data: string, event?: string): Promise<void>;
  /**
   * Queues frames that are already SSE, as UTF-8 bytes: whole `data: <one line>\n\n` frames and
   * nothing else (an upstream's own frames, forwarded unparsed). Paced like `send`.
   */
  sendFrames(frames: Uint8Array): Promise<void>;
  /**
   * The producer will end the stream once the attempt's usage is handed over (a short, bounded
   * wait): what is queued until then leaves with the end, in one write, instead of one write now
   * and another for the end.
   */
  holdForEnd(): void;
  /** Ends the response cleanly. */
  end(): void;
}

/** Created by the exchange once a stream is opened; the only writer of the body. */
export class UwsEventStream implements EventStream {
  /** What was queued since the last flush: written together, in one corked write (one syscall). */
  private pending: (string | Uint8Array)[] = [];
  private flushScheduled = false;
  /** True after a write reported backpressure, until uWS says the socket is writable again. */
  private blocked = false;
  private waiters: (() => void)[] = [];
  private headWritten = false;
  /** Set by holdForEnd: flushes wait for end(). */
  private holding = false;

  constructor(
    private readonly res: HttpResponse,
    /**
     * Writes the response head (inside our cork). Deferred to the first write, so the head leaves
     * with the first frames in one syscall instead of one of its own.
     */
    private readonly writeHead: () => void,
    /** False once the client aborted or the response ended: the res must not be touched then. */
    private readonly isWritable: () => boolean,
    private readonly markEnded: () => void,
  ) {
    res.onWritable(() => {
      this.wake();
      // Writing nothing here is success: the frames that hit backpressure are already buffered by
      // uWS (a chunked write() is never refused, only reported as over the limit).
      return true;
    });
  }

  send(data: string, event?: string): Promise<void> {
    // An SSE data line ends at a newline: a multi-line payload needs one `data:` per line.
    const frame = data.includes('\n') ? `data: ${data.replaceAll('\n', '\ndata: ')}\n\n` : `data: ${data}\n\n`;
    return this.queue(event === undefined ? frame : `event: ${event}\n${frame}`);
  }

  sendFrames(frames: Uint8Array): Promise<void> {
    return this.queue(frames);
  }

  holdForEnd(): void {
    this.holding = true;
  }

  end(): void {
    if (!this.isWritable()) return;
    this.markEnded();
    const pending = this.pending;
    this.pending = [];
    // Ends after an await: corking is required, and packs the last frames with the end.
    this.res.cork(() => {
      this.writePending(pending);
      this.res.end();
    });
    this.wake();
  }

  /** Called by the exchange on client abort, so a producer waiting on backpressure resumes. */
  wake(): void {
    this.blocked = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private queue(piece: string | Uint8Array): Promise<void> {
    if (!this.isWritable()) return Promise.resolve();
    this.pending.push(piece);
    // Coalescing (measured with bench/, see docs/performance.md): an upstream read usually holds
    // several frames, and one corked write per frame was the largest cost of a stream. Frames
    // sent in the same turn of the event loop leave together at its check phase (setImmediate),
    // so nothing waits for more than that turn.
    if (!this.flushScheduled && !this.holding) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    if (!this.blocked) return Promise.resolve();
    // For streamed write() responses getWriteOffset() stays 0; the false return of write() plus
    // onWritable is the only reliable backpressure signal. While blocked, the producer waits.
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Inside a cork: the head if it has not gone yet, then the queued pieces; false on backpressure. */
  private writePending(pending: (string | Uint8Array)[]): boolean {
    if (!this.headWritten) {
      this.headWritten = true;
      this.writeHead();
    }
    let ok = true;
    for (const piece of pending) ok = this.res.write(piece) && ok;
    return ok;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const pending = this.pending;
    if (pending.length === 0 || this.holding || !this.isWritable()) return;
    this.pending = [];
    let ok = true;
    // Writes come after awaits: corking is required.
    this.res.cork(() => {
      ok = this.writePending(pending);
    });
    if (!ok) this.blocked = true;
  };
}
