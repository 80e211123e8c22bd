import type { HttpResponse } from 'uWebSockets.js';

/**
 * A Server-Sent Events response body. `send` resolves once the frame is handed to the socket
 * without backpressure, so a producer that awaits it is paced by the client (and in turn paces
 * the upstream it reads from).
 */
export interface EventStream {
  /** Writes `data: <data>\n\n`. Resolves immediately if the client is gone (check `signal`). */
  send(data: string): Promise<void>;
  /** Ends the response cleanly. */
  end(): void;
}

/** Created by the exchange once the SSE headers are written; the only writer of the body. */
export class UwsEventStream implements EventStream {
  private drained: (() => void) | null = null;

  constructor(
    private readonly res: HttpResponse,
    /** False once the client aborted or the response ended: the res must not be touched then. */
    private readonly isWritable: () => boolean,
    private readonly markEnded: () => void,
  ) {
    res.onWritable(() => {
      this.wake();
      // Writing nothing here is success: the frame that hit backpressure is already buffered by
      // uWS (a chunked write() is never refused, only reported as over the limit).
      return true;
    });
  }

  send(data: string): Promise<void> {
    if (!this.isWritable()) return Promise.resolve();
    // An SSE data line ends at a newline: a multi-line payload needs one `data:` per line.
    const frame = data.includes('\n') ? `data: ${data.replaceAll('\n', '\ndata: ')}\n\n` : `data: ${data}\n\n`;
    let ok = true;
    // Writes come after awaits: corking is required, and packs the frame into one syscall.
    this.res.cork(() => {
      ok = this.res.write(frame);
    });
    if (ok) return Promise.resolve();
    // For streamed write() responses getWriteOffset() stays 0 here; the false return plus
    // onWritable is the only reliable backpressure signal.
    return new Promise((resolve) => (this.drained = resolve));
  }

  end(): void {
    if (!this.isWritable()) return;
    this.markEnded();
    this.res.cork(() => this.res.end());
    this.wake();
  }

  /** Called by the exchange on client abort, so a producer waiting on backpressure resumes. */
  wake(): void {
    const resolve = this.drained;
    this.drained = null;
    resolve?.();
  }
}
