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
export function exceedsJsonDepth(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): boolean {
  // A body with fewer bytes than the limit cannot nest past it: skip the scan (most requests).
  if (bytes.length <= maxDepth) return false;
  let depth = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      // Skip the string: to the next quote not escaped (UTF-8 continuation bytes are never ASCII).
      for (i++; i < length; i++) {
        const inner = bytes[i];
        if (inner === BACKSLASH) i++;
        else if (inner === QUOTE) break;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
