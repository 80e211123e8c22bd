/** The deepest nesting of objects and arrays a request body may have (OpenAI bodies need about 10). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether the JSON text in `bytes` nests objects/arrays deeper than `maxDepth`, found in one pass
 * over the bytes before anything parses them: a body 100,000 levels deep parses, but whatever
 * walks it recursively later (JSON.stringify towards the upstream, a validator) overflows the
 * stack. Brackets inside strings do not count (escapes are skipped). Malformed JSON is not judged
 * here: JSON.parse refuses it next.
 */
export function exceedsJsonDepth(bytes: Buffer, maxDepth = MAX_JSON_DEPTH): boolean {
  // A body with fewer bytes than the limit cannot nest past it: skip the scan (most requests).
  if (bytes.length <= maxDepth) return false;
  let depth = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = stringEnd(bytes, i + 1, length);
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Past this many bytes of one string, its end is searched natively (prompts are long strings). */
const SHORT_STRING = 24;

/**
 * The index of the quote closing the string whose content starts at `start` (`length` if none).
 * UTF-8 continuation bytes are never ASCII, so a quote byte is always a quote. Short strings (keys,
 * roles) are walked byte by byte; long ones jump from quote to quote with Buffer#indexOf (memchr),
 * which made the scan of a 23 KB chat body 5 times cheaper than walking it.
 */
function stringEnd(bytes: Buffer, start: number, length: number): number {
  const shortEnd = Math.min(length, start + SHORT_STRING);
  let i = start;
  for (; i < shortEnd; i++) {
    const byte = bytes[i];
    if (byte === BACKSLASH) i++;
    else if (byte === QUOTE) return i;
  }
  // Where the byte walk stopped may be just past a backslash: the escape check below looks back.
  let from = i;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote === -1) return length;
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    for (let k = quote - 1; k >= start && bytes[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}
