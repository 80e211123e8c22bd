import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse-parser.ts';

const encoder = new TextEncoder();

function parseInPieces(bytes: Uint8Array, cuts: number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  return [...events, ...parser.end()];
}

describe('SseParser', () => {
  const wire = 'data: {"a":"Grüße 東京 👋"}\n\n: keep-alive\n\nevent: error\ndata: {"error":{}}\n\ndata: line one\ndata: line two\n\ndata:[DONE]\n\n';
  const expected: SseEvent[] = [
    { event: null, data: '{"a":"Grüße 東京 👋"}' },
    { event: 'error', data: '{"error":{}}' },
    { event: null, data: 'line one\nline two' },
    { event: null, data: '[DONE]' },
  ];

  it('parses a whole stream', () => {
    expect(parseInPieces(encoder.encode(wire), [])).toEqual(expected);
  });

  it('gives the same events whatever byte the input is cut at, even inside a character', () => {
    const bytes = encoder.encode(wire);
    for (let cut = 1; cut < bytes.length; cut++) expect(parseInPieces(bytes, [cut])).toEqual(expected);
  });

  it('gives the same events fed one byte at a time', () => {
    const bytes = encoder.encode(wire);
    expect(
      parseInPieces(
        bytes,
        Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(expected);
  });

  it('accepts CRLF and CR line endings, also when CR and LF arrive apart', () => {
    const bytes = encoder.encode('data: one\r\n\r\ndata: two\r\rdata: three\n\n');
    const events = [
      { event: null, data: 'one' },
      { event: null, data: 'two' },
      { event: null, data: 'three' },
    ];
    for (let cut = 1; cut < bytes.length; cut++) expect(parseInPieces(bytes, [cut])).toEqual(events);
  });

  it('delivers a last event that lacks its blank line at end of input', () => {
    expect(parseInPieces(encoder.encode('data: tail'), [])).toEqual([{ event: null, data: 'tail' }]);
  });
});
