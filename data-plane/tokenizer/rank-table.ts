import { isUtf8 } from 'node:buffer';

const SPACE = 0x20;
const NEWLINE = 0x0a;
/** Marks an empty slot of the hash table (ranks are stored plus one). */
const EMPTY = 0;
/** The UTF-8 byte order mark, EF BB BF. */
const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * A byte-pair encoding's merge ranks (o200k_base: 199,998 tokens) in three typed arrays, about
 * 4 MB outside V8's heap: every token's bytes back to back, where each one starts (by rank), and an
 * open-addressing hash table from bytes to rank. It replaces gpt-tokenizer's in-heap form (an
 * array of 200,000 strings and a Map over them: 20 MB of heap, 50 MB of RSS once imported) and
 * is read from the plain `.tiktoken` file it ships, not from its 2.4 MB JavaScript literal.
 */
export class RankTable {
  /** In bytes (128 in o200k_base): no longer key needs hashing. */
  private readonly longestToken: number;

  private constructor(
    private readonly bytes: Uint8Array,
    private readonly starts: Uint32Array,
    private readonly slots: Int32Array,
  ) {
    let longest = 0;
    for (let rank = 0; rank < starts.length - 1; rank++) longest = Math.max(longest, starts[rank + 1] - starts[rank]);
    this.longestToken = longest;
  }

  /**
   * From a `.tiktoken` file: one `base64(token) rank` line per token, ranks 0, 1, 2... in order.
   * Read from its bytes, without a string per line (200,000 of them would outlive the load as
   * heap the process keeps).
   */
  static fromTiktoken(file: Uint8Array): RankTable {
    return RankTable.building(file).finish();
  }

  /**
   * The same build a part at a time, so it can be spread over event-loop turns (count-tokens.ts,
   * prepareTokenizer): `step(n)` decodes up to `n` lines, or allocates the table's arrays once they
   * are all decoded, or inserts up to `n` tokens, and answers true when the table is complete
   * (then `table()` returns it); `finish()` does the rest at once.
   */
  static building(file: Uint8Array): RankTableBuild {
    const starts: number[] = [0];
    // Base64 is 4/3 of the bytes it encodes: the file's size bounds the decoded total.
    const decoded = new Uint8Array(file.length);
    let length = 0;
    let at = 0;
    let table: RankTable | null = null;
    let inserted = 0;
    const decodeLine = () => {
      const space = file.indexOf(SPACE, at);
      const newline = file.indexOf(NEWLINE, space);
      const end = newline < 0 ? file.length : newline;
      if (space < at + 1 || decimalAt(file, space + 1, end) !== starts.length - 1) {
        throw new Error(`rank table: line ${starts.length} is not "<base64> ${starts.length - 1}"`);
      }
      length = decodeBase64(file, at, space, decoded, length);
      starts.push(length);
      at = end + 1;
    };
    return {
      step(units) {
        let done = 0;
        for (; at < file.length && done < units; done++) decodeLine();
        if (at < file.length) return false;
        if (table === null) {
          // The arrays (about 5 MB to copy and clear) are a step of their own: a slice can stop after them.
          table = new RankTable(decoded.slice(0, length), Uint32Array.from(starts), new Int32Array(slotCountFor(starts.length - 1)));
          return false;
        }
        for (; inserted < table.size && done < units; done++) table.insert(inserted++);
        return inserted === table.size;
      },
      table: () => (table !== null && inserted === table.size ? table : null),
      finish() {
        while (!this.step(Number.POSITIVE_INFINITY));
        return table!;
      },
    };
  }

  get size(): number {
    return this.starts.length - 1;
  }

  /** The rank of `key[start, end)` as one token, or -1. */
  rankOf(key: Uint8Array, start: number, end: number): number {
    if (end - start > this.longestToken) return -1;
    const mask = this.slots.length - 1;
    for (let slot = hash(key, start, end) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.slots[slot];
      if (stored === EMPTY) return -1;
      if (this.equals(stored - 1, key, start, end)) return stored - 1;
    }
  }

  /**
   * The rank gpt-tokenizer 4 merges `key[start, end)` with. It finds a valid UTF-8 key by its
   * decoded string, and decoding drops a leading byte order mark, so such a key takes the rank of
   * the bytes after the mark and the 9 tokens that begin with one are never formed. Kept so the
   * counts stay exactly what they were with gpt-tokenizer.
   */
  mergeRankOf(key: Uint8Array, start: number, end: number): number {
    if (startsWithBom(key, start, end) && isUtf8(key.subarray(start, end))) return start + 3 === end ? -1 : this.rankOf(key, start + 3, end);
    return this.rankOf(key, start, end);
  }

  private insert(rank: number): void {
    const from = this.starts[rank];
    const to = this.starts[rank + 1];
    // The 9 tokens gpt-tokenizer never finds (see mergeRankOf) are left out: no key reaches them.
    if (startsWithBom(this.bytes, from, to) && isUtf8(this.bytes.subarray(from, to))) return;
    const mask = this.slots.length - 1;
    let slot = hash(this.bytes, from, to) & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = rank + 1;
  }

  private equals(rank: number, key: Uint8Array, start: number, end: number): boolean {
    const from = this.starts[rank];
    if (this.starts[rank + 1] - from !== end - start) return false;
    for (let i = start; i < end; i++) if (this.bytes[from + i - start] !== key[i]) return false;
    return true;
  }
}

/** A table being built: `step(n)` does up to n lines or tokens, true once `table()` has it; `finish()` the rest. */
export interface RankTableBuild {
  step(units: number): boolean;
  table(): RankTable | null;
  finish(): RankTable;
}

/** Lines or tokens per step of a sliced build: a step takes well under a millisecond. */
const STEP_UNITS = 1000;

/**
 * Runs `build` in slices of about `sliceMs`, one slice per macrotask (setImmediate), so the event
 * loop serves what is waiting between them; resolves with the table. A build finished elsewhere
 * meanwhile (a count that could not wait) resolves at the next slice.
 */
export function buildInSlices(build: RankTableBuild, sliceMs: number): Promise<RankTable> {
  return new Promise((resolve, reject) => {
    const slice = () => {
      try {
        const until = performance.now() + sliceMs;
        do {
          if (build.step(STEP_UNITS)) return resolve(build.table()!);
        } while (performance.now() < until);
        setImmediate(slice);
      } catch (error) {
        reject(error);
      }
    };
    setImmediate(slice);
  });
}

/** A power of two at least twice the tokens: linear probing stays short at under half full. */
function slotCountFor(tokens: number): number {
  let slots = 1;
  while (slots < tokens * 2) slots *= 2;
  return slots;
}

/** FNV-1a, 32 bits. */
function hash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function startsWithBom(bytes: Uint8Array, start: number, end: number): boolean {
  return end - start >= 3 && bytes[start] === BOM[0] && bytes[start + 1] === BOM[1] && bytes[start + 2] === BOM[2];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) SEXTET[BASE64.charCodeAt(i)] = i;

/** Decodes base64 text `source[from, to)` into `target` at `at`; returns where the bytes end. */
function decodeBase64(source: Uint8Array, from: number, to: number, target: Uint8Array, at: number): number {
  let bits = 0;
  let buffered = 0;
  for (let i = from; i < to; i++) {
    const sextet = source[i] < 128 ? SEXTET[source[i]] : -1;
    if (sextet < 0) break; // padding ('=') ends the token
    bits = (bits << 6) | sextet;
    buffered += 6;
    if (buffered >= 8) {
      buffered -= 8;
      target[at++] = (bits >> buffered) & 0xff;
    }
  }
  return at;
}

/** The decimal number `source[from, to)`, or -1 when it is not one. */
function decimalAt(source: Uint8Array, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = source[i] - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return to > from ? value : -1;
}
