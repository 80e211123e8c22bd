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
  /** Ends the response cleanly. */
  end(): void;
}

/** Created by the exchange once the SSE headers are written; the only writer of the body. */
export class UwsEventStream implements EventStream {
  /** Frames sent since the last flush: written together, in one corked write (one syscall). */
  private pending = '';
  private flushScheduled = false;
  /** True after a write reported backpressure, until uWS says the socket is writable again. */
  private blocked = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly res: HttpResponse,
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
    if (!this.isWritable()) return Promise.resolve();
    if (event !== undefined) this.pending += `event: ${event}\n`;
    // An SSE data line ends at a newline: a multi-line payload needs one `data:` per line.
    this.pending += data.includes('\n') ? `data: ${data.replaceAll('\n', '\ndata: ')}\n\n` : `data: ${data}\n\n`;
    // Coalescing (measured with bench/, see docs/performance.md): an upstream read usually holds
    // several frames, and one corked write per frame was the largest cost of a stream. Frames
    // sent in the same turn of the event loop leave together at its check phase (setImmediate),
    // so nothing waits for more than that turn.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    if (!this.blocked) return Promise.resolve();
    // For streamed write() responses getWriteOffset() stays 0; the false return of write() plus
    // onWritable is the only reliable backpressure signal. While blocked, the producer waits.
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  end(): void {
    if (!this.isWritable()) return;
    this.markEnded();
    const frames = this.pending;
    this.pending = '';
    // Ends after an await: corking is required, and packs the last frames with the end.
    this.res.cork(() => {
      if (frames) this.res.write(frames);
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

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const frames = this.pending;
    this.pending = '';
    if (!frames || !this.isWritable()) return;
    let ok = true;
    // Writes come after awaits: corking is required.
    this.res.cork(() => {
      ok = this.res.write(frames);
    });
    if (!ok) this.blocked = true;
  };
}
