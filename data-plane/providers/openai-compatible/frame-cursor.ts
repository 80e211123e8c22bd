/**
 * What a frame of an OpenAI SSE stream is, as far as bytes tell without parsing:
 * - `plain`: `data: {...}` on one line with nothing notable: a content chunk that may be forwarded
 *   as its bytes;
 * - `finish`: a `plain` frame but for `finish_reason` keys with plain string values (`finishReasons`):
 *   it ends the answer, and nothing else in it needs reading (its text is metered like a plain
 *   frame's);
 * - `notable`: `data: {...}` on one line that may carry usage, an error, an empty array
 *   (`choices: []`) or another `..._reason` key with a value, whitespace or not: it must be parsed;
 * - `done`: `data: [DONE]`;
 * - `irregular`: anything else (`event:` or comment lines, several data lines, `\r`, `data:`
 *   without its space): the stream is no longer one the cursor can read; an SSE parser takes over
 *   from this frame on.
 */
export type FrameKind = 'plain' | 'finish' | 'notable' | 'done' | 'irregular';

/**
 * Searched in the frame's text, each starting with a character that is rare in JSON (a search for
 * a pattern that starts with `"` stops at every quote and costs several times more). A key inside
 * a string value cannot match: its quotes are escaped there.
 */
const FINISH_REASON = '_reason"';
/** What precedes FINISH_REASON in the one such key that only ends the answer. */
const FINISH_KEY_START = '"finish';
const USAGE = 'usage"';
/** An `"error"` key (or a value ending in "error": parsed, which only costs the parse). */
const ERROR = 'rror"';
/** An array: notable when it is empty (`choices: []`). */
const ARRAY = '[';
const DATA = 'data: ';
const DONE = 'data: [DONE]';
const NEWLINE = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const NULL_START = 0x6e; // 'n'
const ARRAY_END = 0x5d; // ']'
const OBJECT_START = 0x7b; // '{'
const QUOTE = 0x22; // '"'

/**
 * Walks the frames of an OpenAI SSE byte stream read by read, without decoding or parsing them:
 * the bytes are searched as a latin1 string (one byte per character, so offsets are byte
 * offsets, and no byte of a multi-byte UTF-8 character equals an ASCII one). A frame is
 * everything up to its blank line (`\n\n`); bytes after the last one wait for the next read.
 *
 * Each next() costs a few native searches: the markers' next positions are kept, so every byte
 * is searched at most once per marker.
 */
export class FrameCursor {
  private buffer: Buffer = Buffer.alloc(0);
  private text = '';
  /** Offset of the current frame, of its data (after `data: `), of its end (its blank line). */
  frameStart = 0;
  private dataStart = 0;
  private dataEnd = 0;
  /** Offset after the current frame's blank line: where the next frame starts. */
  frameEnd = 0;
  /** A `finish` frame's finish reasons, in order; null for other kinds. */
  finishReasons: string[] | null = null;
  /** The first `\r` of the read (its length when none). */
  private crAt = 0;
  /** Each marker's next known position (-1: none left in this read). */
  private finish = -1;
  private usage = -1;
  private error = -1;
  private array = -1;

  /** The next read; the unfinished frame of the previous one (if any) goes first. */
  load(read: Uint8Array): void {
    const bytes = Buffer.isBuffer(read) ? read : Buffer.from(read.buffer, read.byteOffset, read.byteLength);
    const rest = this.frameEnd < this.buffer.length ? this.buffer.subarray(this.frameEnd) : null;
    this.buffer = rest ? Buffer.concat([rest, bytes]) : bytes;
    this.text = this.buffer.toString('latin1');
    this.frameStart = this.frameEnd = this.dataStart = this.dataEnd = 0;
    // A `\r` anywhere: line endings this cursor does not read (CRLF, CR): the parser's job.
    const cr = this.text.indexOf('\r');
    this.crAt = cr === -1 ? this.text.length : cr;
    this.finish = this.text.indexOf(FINISH_REASON);
    this.usage = this.text.indexOf(USAGE);
    this.error = this.text.indexOf(ERROR);
    this.array = this.text.indexOf(ARRAY);
  }

  /** Moves to the next complete frame of this read: its kind, or null when none is left. */
  next(): FrameKind | null {
    const { text } = this;
    const start = this.frameEnd;
    // One search for the frame's end: a regular frame's first newline is the start of its blank line.
    const end = text.indexOf('\n', start);
    if (end === -1 || end + 1 === text.length) return null;
    this.frameStart = start;
    this.frameEnd = end + 2;
    this.dataStart = start + DATA.length;
    this.dataEnd = end;
    // Several lines (or their first only, so far): the parser reads it, whole or not.
    if (text.charCodeAt(end + 1) !== NEWLINE || this.crAt < end || !text.startsWith(DATA, start)) return 'irregular';
    if (end - start === DONE.length && text.startsWith(DONE, start)) return 'done';
    if (text.charCodeAt(this.dataStart) !== OBJECT_START) return 'irregular'; // not a JSON object: the parser says what it is
    let notable = false;
    this.finishReasons = null;
    this.finish = this.seek(FINISH_REASON, this.finish, start);
    while (this.finish !== -1 && this.finish < end) {
      if (this.keyWithValue(this.finish + FINISH_REASON.length)) {
        const reason = text.startsWith(FINISH_KEY_START, this.finish - FINISH_KEY_START.length)
          ? this.stringValue(this.finish + FINISH_REASON.length, end)
          : null;
        if (reason === null) notable = true;
        else (this.finishReasons ??= []).push(reason);
      }
      this.finish = text.indexOf(FINISH_REASON, this.finish + 1);
    }
    this.usage = this.seek(USAGE, this.usage, start);
    while (this.usage !== -1 && this.usage < end) {
      if (this.keyWithValue(this.usage + USAGE.length)) notable = true;
      this.usage = text.indexOf(USAGE, this.usage + 1);
    }
    this.array = this.seek(ARRAY, this.array, start);
    while (this.array !== -1 && this.array < end) {
      if (text.charCodeAt(this.skipSpace(this.array + 1)) === ARRAY_END) notable = true;
      this.array = text.indexOf(ARRAY, this.array + 1);
    }
    this.error = this.seek(ERROR, this.error, start);
    if (this.error !== -1 && this.error < end) notable = true;
    if (notable) this.finishReasons = null;
    return notable ? 'notable' : this.finishReasons ? 'finish' : 'plain';
  }

  /** The current frame's data, decoded (UTF-8). */
  data(): string {
    return this.buffer.toString('utf8', this.dataStart, this.dataEnd);
  }

  /** Bytes of this read between two frame offsets (whole frames as they came, blank lines included). */
  slice(from: number, to: number): Buffer {
    return this.buffer.subarray(from, to);
  }

  /** The bytes from the current frame on (for a parser that takes over). */
  rest(): Buffer {
    return this.buffer.subarray(this.frameStart);
  }

  /** Whether a key ends at `at` (a colon follows) with a value other than null. */
  private keyWithValue(at: number): boolean {
    const colon = this.skipSpace(at);
    if (this.text.charCodeAt(colon) !== COLON) return false; // a string value, not a key
    return this.text.charCodeAt(this.skipSpace(colon + 1)) !== NULL_START;
  }

  /**
   * The plain string value of the key ending at `at` (`"stop"`), or null when it is anything else
   * (escapes, not a string, past the frame's end): such a frame is parsed instead.
   */
  private stringValue(at: number, end: number): string | null {
    const open = this.skipSpace(this.skipSpace(at) + 1);
    if (this.text.charCodeAt(open) !== QUOTE) return null;
    const close = this.text.indexOf('"', open + 1);
    if (close === -1 || close >= end) return null;
    const value = this.text.slice(open + 1, close);
    return value.includes('\\') ? null : value;
  }

  private skipSpace(at: number): number {
    let i = at;
    for (let c = this.text.charCodeAt(i); c === SPACE || c === TAB; c = this.text.charCodeAt(++i));
    return i;
  }

  /** A marker's first position at or after `from`, given its last known one. */
  private seek(marker: string, known: number, from: number): number {
    return known === -1 || known >= from ? known : this.text.indexOf(marker, from);
  }
}
