import { describe, expect, it } from 'vitest';
import type { ForwardedStreamEvent } from '../adapter.ts';
import { dataOfFrames } from '../sse-parser.ts';
import { toForwardedStreamEvents, toStreamEvents } from './map-stream.ts';

const context = { providerName: 'p', status: 200, credential: null };
const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
  JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const usage = JSON.stringify({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
});
const frames = [
  chunk({ role: 'assistant', content: '' }, null, { usage: null }),
  chunk({ content: 'Grüße ' }, null, { usage: null }),
  chunk({ content: '東京 👋 "finish_reason":"stop", "usage":{' }, null, { usage: null }),
  chunk({ content: '!' }, null, { usage: null }),
  chunk({}, 'stop', { usage: null }),
  usage,
];
const wire = (data: string[]) => `${data.map((frame) => `data: ${frame}\n\n`).join('')}data: [DONE]\n\n`;

async function* pieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

/** What the client would be sent (each frame's data, forwarded or parsed) and the usage reported. */
async function relayed(events: AsyncIterable<ForwardedStreamEvent>) {
  const sent: string[] = [];
  let reported: unknown = null;
  let forwarded = 0;
  const finishReasons: string[] = [];
  for await (const event of events) {
    if (event.type === 'frames') {
      forwarded += dataOfFrames(event.frames).length;
      sent.push(...dataOfFrames(event.frames));
      finishReasons.push(...(event.finishReasons ?? []));
    } else if (event.type === 'chunk') {
      sent.push(event.raw ?? JSON.stringify(event.chunk));
      for (const choice of event.chunk.choices) if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    } else reported = event.usage;
  }
  return { sent, reported, forwarded, finishReasons };
}

describe('OpenAI stream mapping, frames forwarded', () => {
  const bytes = Buffer.from(wire(frames));
  const expected = { sent: frames.slice(0, -1), reported: { promptTokens: 3, completionTokens: 4, cachedTokens: 0 }, finishReasons: ['stop'] };

  it('forwards the content frames and the finish frame unparsed and parses the first and the usage frame', async () => {
    const result = await relayed(toForwardedStreamEvents(pieces(bytes, []), context));
    expect(result).toMatchObject(expected);
    // The first frame is parsed; the three after it (one has the markers' keys inside its text,
    // where their quotes are escaped) and the finish frame are forwarded.
    expect(result.forwarded).toBe(4);
  });

  it('gives the client the same frames and usage whatever byte the upstream cuts at, even inside a character', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await relayed(toForwardedStreamEvents(pieces(bytes, [cut]), context))).toMatchObject(expected);
    }
  });

  it('gives the same frames as the parsing mapping', async () => {
    expect(await relayed(toStreamEvents(pieces(bytes, [7, 200, 411]), context))).toMatchObject({ ...expected, forwarded: 0 });
  });

  it('forwards a frame whose second choice finishes, and counts the stream complete', async () => {
    const twoChoices = JSON.stringify({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [
        { index: 0, delta: { content: 'a' }, finish_reason: null },
        { index: 1, delta: {}, finish_reason: 'length' },
      ],
    });
    // No [DONE]: the stream counts as complete only if that finish reason was seen.
    const cut = `data: ${frames[0]}\n\ndata: ${frames[1]}\n\ndata: ${twoChoices}\n\n`;
    const result = await relayed(toForwardedStreamEvents(pieces(Buffer.from(cut), []), context));
    expect(result.sent).toEqual([frames[0], frames[1], twoChoices]);
    expect(result.forwarded).toBe(2);
    expect(result.finishReasons).toEqual(['length']);
  });

  it('parses a frame with another reason key set, which does not finish the answer', async () => {
    const stopReason = chunk({ content: 'a' }, null, { usage: null }).replace('"finish_reason":null', '"finish_reason":null,"stop_reason":"eos"');
    const cut = `data: ${frames[0]}\n\ndata: ${stopReason}\n\n`;
    await expect(relayed(toForwardedStreamEvents(pieces(Buffer.from(cut), []), context))).rejects.toMatchObject({ code: 'upstream_stream_error' });
    const complete = await relayed(toForwardedStreamEvents(pieces(Buffer.from(wire([frames[0], stopReason, frames[4]])), []), context));
    expect(complete).toMatchObject({ sent: [frames[0], stopReason, frames[4]], forwarded: 1, finishReasons: ['stop'] });
    // A finish reason the cursor cannot read as a plain string is parsed.
    const escaped = chunk({}, 'st"op');
    const parsed = await relayed(toForwardedStreamEvents(pieces(Buffer.from(wire([frames[0], escaped])), []), context));
    expect(parsed).toMatchObject({ sent: [frames[0], escaped], forwarded: 0, finishReasons: ['st"op'] });
  });

  it('throws on an error frame after forwarded frames, and on a stream cut before its end', async () => {
    const failing = `data: ${frames[0]}\n\ndata: ${frames[1]}\n\ndata: {"error":{"message":"boom","type":"server_error"}}\n\n`;
    await expect(relayed(toForwardedStreamEvents(pieces(Buffer.from(failing), []), context))).rejects.toMatchObject({ code: 'upstream_stream_error' });
    const cut = `data: ${frames[0]}\n\ndata: ${frames[1]}\n\n`;
    await expect(relayed(toForwardedStreamEvents(pieces(Buffer.from(cut), []), context))).rejects.toMatchObject({ code: 'upstream_stream_error' });
  });

  it('hands a stream it cannot read byte-wise (CRLF, comments, named events) to the SSE parser', async () => {
    const crlf = Buffer.from(`data: ${frames[0]}\n\ndata: ${frames[1]}\n\n: keep-alive\n\n${wire(frames.slice(2)).replaceAll('\n', '\r\n')}`);
    expect(await relayed(toForwardedStreamEvents(pieces(crlf, [300]), context))).toMatchObject(expected);
    const named = Buffer.from(`data: ${frames[0]}\n\ndata: ${frames[1]}\n\nevent: error\ndata: {"message":"overloaded"}\n\n`);
    await expect(relayed(toForwardedStreamEvents(pieces(named, []), context))).rejects.toMatchObject({ code: 'upstream_stream_error' });
    // Cut after the named event's first line: the parser takes the frame over before it is whole.
    const afterEventLine = named.indexOf('event: error\n') + 'event: error\n'.length;
    await expect(relayed(toForwardedStreamEvents(pieces(named, [afterEventLine]), context))).rejects.toMatchObject({ code: 'upstream_stream_error' });
    const twoDataLines = Buffer.from(
      `data: ${frames[0]}\n\ndata: ${frames[1]}\n\ndata: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",\ndata: "choices":[{"index":0,"delta":{"content":"two lines"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`,
    );
    for (const cut of [undefined, twoDataLines.indexOf('"m",\n') + 5]) {
      const result = await relayed(toForwardedStreamEvents(pieces(twoDataLines, cut === undefined ? [] : [cut]), context));
      expect(result.sent.at(-1)).toContain('two lines');
      expect(result.finishReasons).toEqual(['stop']);
    }
  });

  it('finds finish reasons, usage and empty choices written with spaces', async () => {
    const spaced = (text: string) => text.replaceAll('":', '" : ').replaceAll('[]', '[ ]');
    const result = await relayed(toForwardedStreamEvents(pieces(Buffer.from(wire(frames.map(spaced))), []), context));
    expect(result).toMatchObject({ sent: frames.slice(0, -1).map(spaced), reported: expected.reported, forwarded: 4 });
  });

  it('drops frames without choices or usage (Azure prompt filter results)', async () => {
    const filter = JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0 }] });
    const result = await relayed(toForwardedStreamEvents(pieces(Buffer.from(wire([filter, ...frames])), []), context));
    expect(result).toMatchObject(expected);
  });
});
