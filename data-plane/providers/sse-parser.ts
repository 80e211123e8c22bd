/** One Server-Sent Event: its `event:` name (null when none was given) and its joined data lines. */
export interface SseEvent {
  event: string | null;
  data: string;
}

/**
 * An incremental SSE parser (WHATWG EventSource rules, minus `id`/`retry`). Bytes may be split
 * anywhere: inside a line, between `\r` and `\n`, inside a multi-byte UTF-8 character (the
 * streaming TextDecoder holds partial characters back).
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private dataLines: string[] = [];
  private eventName: string | null = null;

  push(bytes: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    return this.drain(false);
  }

  /** End of input: a trailing event without its blank line is still delivered. */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    const events = this.drain(true);
    if (this.buffer.length > 0) this.line(this.buffer, events);
    this.buffer = '';
    this.dispatch(events);
    return events;
  }

  private drain(atEnd: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    const buffer = this.buffer;
    // Most streams never send `\r`: searching for it once per push, not once per line, keeps
    // a chunk of many lines linear.
    let cr = buffer.indexOf('\r');
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      // A `\r` as the last character may be the first half of `\r\n`: wait for the next bytes.
      if (end === cr && cr === buffer.length - 1 && !atEnd) break;
      this.line(buffer.slice(start, end), events);
      start = end === cr && buffer[cr + 1] === '\n' ? cr + 2 : end + 1;
    }
    this.buffer = buffer.slice(start);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) events.push({ event: this.eventName, data: this.dataLines.join('\n') });
    this.dataLines = [];
    this.eventName = null;
  }
}

/** The SSE events of a byte stream, as they complete. */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  for await (const bytes of body) yield* parser.push(bytes);
  yield* parser.end();
}

/**
 * The data of whole `data: <one line>\n\n` frames (the form EventStream.sendFrames takes), as an
 * SSE parser would give them.
 */
export function dataOfFrames(frames: Uint8Array): string[] {
  const data = Buffer.from(frames.buffer, frames.byteOffset, frames.byteLength).toString('utf8').split('\n\n');
  data.pop(); // after the last frame's blank line
  return data.map((frame) => frame.slice('data: '.length));
}
