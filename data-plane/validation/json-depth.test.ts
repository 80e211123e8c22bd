import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from './json-depth.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (levels: number, open = '[', close = ']') => `${open.repeat(levels)}${close.repeat(levels)}`;

describe('exceedsJsonDepth', () => {
  it('allows exactly the limit and refuses one more, for arrays, objects and mixtures', () => {
    expect(exceedsJsonDepth(bytes(nested(64)))).toBe(false);
    expect(exceedsJsonDepth(bytes(nested(65)))).toBe(true);
    expect(exceedsJsonDepth(bytes(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`))).toBe(false);
    expect(exceedsJsonDepth(bytes(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`))).toBe(true);
    expect(exceedsJsonDepth(bytes(`{"x":${'[{"y":'.repeat(40)}0${'}]'.repeat(40)}}`))).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ text: '['.repeat(10_000) })))).toBe(false);
    expect(exceedsJsonDepth(bytes(JSON.stringify({ text: `\\"${'['.repeat(100)}"\\` })))).toBe(false);
    expect(exceedsJsonDepth(bytes(JSON.stringify({ text: 'ünïcødé [[[[ "' , list: [[[1]]] })))).toBe(false);
  });

  it('counts depth, not the number of containers', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ items: Array.from({ length: 10_000 }, () => [{ a: [1] }]) })))).toBe(false);
  });

  it('finds a deep unknown field after ordinary content', () => {
    const body = `{"model":"m","messages":[{"role":"user","content":"hi"}],"x":${nested(100_000)}}`;
    expect(exceedsJsonDepth(bytes(body))).toBe(true);
  });
});
