import type { EventStream } from '../http/sse-stream.ts';

/**
 * A stream's frames held back while post-call guardrails in `buffer` mode wait for the whole
 * answer: nothing reaches the client (not even the response head) until `flushTo`, so a block is
 * still a plain 400. Costs the time to first token, as documented.
 */
export class HeldEventStream implements EventStream {
  private readonly frames: { data: string; event?: string }[] = [];

  send(data: string, event?: string): Promise<void> {
    this.frames.push({ data, event });
    return Promise.resolve();
  }

  end(): void {}

  /** Replays the held frames, paced by the client like a live stream, and ends it. */
  async flushTo(stream: EventStream): Promise<void> {
    for (const frame of this.frames) await stream.send(frame.data, frame.event);
    stream.end();
  }
}
