import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { buildInSlices, RankTable, type RankTableBuild } from './rank-table.ts';

/** No rank: a pair that does not merge. Above every real rank. */
const NONE = 0x7fffffff;

let o200k: RankTable | null = null;
/** A build started by prepareTokenizer and not finished yet. */
let building: RankTableBuild | null = null;

const tiktokenFile = () => createRequire(import.meta.url).resolve('gpt-tokenizer/data/o200k_base.tiktoken');

/**
 * The table, built now if it is not yet (the rest of a build prepareTokenizer started, or all of
 * it: 50-90 ms on the event loop, 4 MB). A count is needed for an attempt without reported usage,
 * a prompt near a context window or a `max_prompt_tokens` guardrail, at any moment: a data plane's
 * entry point prepares the table in slices when it starts. Nothing builds it at import, so a
 * process that never counts (the control plane, most tests) never holds it.
 */
function o200kRanks(): RankTable {
  if (o200k === null) {
    o200k = (building ?? RankTable.building(readFileSync(tiktokenFile()))).finish();
    building = null;
  }
  return o200k;
}

/**
 * Builds the table in slices of about `sliceMs` of the event loop (rank-table.ts, buildInSlices),
 * so the first count does not stall every request in flight for the whole build (a data plane's
 * entry point calls it once it listens). Resolves when the table is ready, at once when it
 * already is; a count before then finishes the build itself.
 */
export async function prepareTokenizer(sliceMs = 2): Promise<void> {
  if (o200k !== null || building !== null) return;
  const file = await readFile(tiktokenFile());
  if (o200k !== null || building !== null) return;
  building = RankTable.building(file);
  try {
    o200k ??= await buildInSlices(building, sliceMs);
  } finally {
    building = null;
  }
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/**
 * Tokens of `text` in o200k_base (current OpenAI models), counted as ordinary text: special-token
 * markers such as `<|endoftext|>` are text like any other (OpenAI counts them so in a message).
 * The same counts as gpt-tokenizer's `countTokens` (its regex, its byte-pair merge, tested
 * against it), which threw on those markers instead.
 */
export function countTokens(text: string): number {
  const table = o200kRanks();
  let tokens = 0;
  for (const [piece] of text.matchAll(O200K_TOKEN_SPLIT_REGEX)) tokens += remembered.get(piece) ?? pieceTokens(table, piece);
  return tokens;
}

/**
 * Pieces counted lately, oldest first: prompts repeat themselves (common words, a conversation
 * resending its history), and a Map lookup is faster than encoding and hashing the bytes again.
 */
const remembered = new Map<string, number>();
/** At most about 0.5 MB of heap. */
const REMEMBERED_PIECES = 4096;
const REMEMBERED_LONGEST = 64;

function pieceTokens(table: RankTable, piece: string): number {
  if (scratch.length < piece.length * 3) scratch = new Uint8Array(piece.length * 3);
  const length = encoder.encodeInto(piece, scratch).written;
  // A piece that is one token (most words) needs no merge.
  const tokens = table.rankOf(scratch, 0, length) >= 0 ? 1 : mergedParts(table, scratch, length);
  if (piece.length <= REMEMBERED_LONGEST) {
    if (remembered.size >= REMEMBERED_PIECES) remembered.delete(remembered.keys().next().value as string);
    remembered.set(piece, tokens);
  }
  return tokens;
}

/** 2^32: a heap entry is `rank * PAIR_KEY + start`, so rank orders first, then position. */
const PAIR_KEY = 2 ** 32;

// Reused by every merge (a count never runs inside another), indexed by the byte a part starts
// at: the next part's start (the piece's length after the last), the previous part's start, and
// the rank of the part merged with the next one (NONE: no merge, or the part is gone).
let nextPart = new Int32Array(64);
let previousPart = new Int32Array(64);
let pairRank = new Int32Array(64);
let pairs = new Float64Array(192);

/**
 * Byte-pair merge of one piece (tiktoken's algorithm): merge the adjacent pair of lowest rank
 * (the leftmost on a tie) until none merges; the parts left are the tokens. The pairs wait in a
 * binary heap, so a long piece (a 4 MB run of one letter) costs n log n, not the n^2 of scanning
 * for the lowest pair after every merge (gpt-tokenizer's way: seconds for 40,000 bytes).
 */
function mergedParts(table: RankTable, piece: Uint8Array, length: number): number {
  if (length === 1) return 1;
  if (nextPart.length < length) {
    nextPart = new Int32Array(length);
    previousPart = new Int32Array(length);
    pairRank = new Int32Array(length);
    pairs = new Float64Array(3 * length);
  }
  let queued = 0;
  const push = (rank: number, start: number) => {
    if (rank !== NONE) queued = heapPush(pairs, queued, rank * PAIR_KEY + start);
  };
  for (let start = 0; start < length; start++) {
    nextPart[start] = start + 1;
    previousPart[start] = start - 1;
    pairRank[start] = start + 2 <= length ? rankOrNone(table, piece, start, start + 2) : NONE;
    push(pairRank[start], start);
  }
  let parts = length;
  while (queued > 0) {
    const key = pairs[0];
    queued = heapPop(pairs, queued);
    const rank = Math.floor(key / PAIR_KEY);
    const start = key - rank * PAIR_KEY;
    // Stale: the part is gone or its pair changed since this entry was queued.
    if (pairRank[start] !== rank) continue;
    const joined = nextPart[start];
    const after = nextPart[joined];
    nextPart[start] = after;
    if (after < length) previousPart[after] = start;
    pairRank[joined] = NONE;
    parts--;
    pairRank[start] = after < length ? rankOrNone(table, piece, start, nextPart[after]) : NONE;
    push(pairRank[start], start);
    if (start > 0) {
      const before = previousPart[start];
      pairRank[before] = rankOrNone(table, piece, before, after);
      push(pairRank[before], before);
    }
  }
  return parts;
}

/** Adds `key` to the min-heap `heap[0, size)`; returns the new size. */
function heapPush(heap: Float64Array, size: number, key: number): number {
  let at = size;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (heap[parent] <= key) break;
    heap[at] = heap[parent];
    at = parent;
  }
  heap[at] = key;
  return size + 1;
}

/** Removes the least key (heap[0]) from the min-heap `heap[0, size)`; returns the new size. */
function heapPop(heap: Float64Array, size: number): number {
  const last = heap[--size];
  let at = 0;
  for (;;) {
    let child = 2 * at + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1] < heap[child]) child++;
    if (heap[child] >= last) break;
    heap[at] = heap[child];
    at = child;
  }
  heap[at] = last;
  return size;
}

function rankOrNone(table: RankTable, piece: Uint8Array, start: number, end: number): number {
  const rank = table.mergeRankOf(piece, start, end);
  return rank < 0 ? NONE : rank;
}
