import type { EventStream } from '../http/sse-stream.ts';

/**
 * A stream's frames held back while post-call guardrails in `buffer` mode wait for the whole
 * answer: nothing reaches the client (not even the response head) until `flushTo`, so a block is
 * still a plain 400. Costs the time to first token, as documented.
 */
export class HeldEventStream implements EventStream {
  private readonly held: ({ data: string; event?: string } | Uint8Array)[] = [];

  send(data: string, event?: string): Promise<void> {
    this.held.push({ data, event });
    return Promise.resolve();
  }

  sendFrames(frames: Uint8Array): Promise<void> {
    this.held.push(frames);
    return Promise.resolve();
  }

  holdForEnd(): void {}

  end(): void {}

  /** Replays the held frames, paced by the client like a live stream, and ends it. */
  async flushTo(stream: EventStream): Promise<void> {
    for (const piece of this.held) await (piece instanceof Uint8Array ? stream.sendFrames(piece) : stream.send(piece.data, piece.event));
    stream.end();
  }
}
