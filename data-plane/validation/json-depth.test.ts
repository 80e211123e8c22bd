import fc from 'fast-check';
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
    expect(exceedsJsonDepth(bytes(JSON.stringify({ text: 'ünïcødé [[[[ "', list: [[[1]]] })))).toBe(false);
  });

  it('counts depth, not the number of containers', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ items: Array.from({ length: 10_000 }, () => [{ a: [1] }]) })))).toBe(false);
  });

  it('finds a deep unknown field after ordinary content', () => {
    const body = `{"model":"m","messages":[{"role":"user","content":"hi"}],"x":${nested(100_000)}}`;
    expect(exceedsJsonDepth(bytes(body))).toBe(true);
  });

  it('agrees with the real depth for any strings inside, long ones with escapes included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '[', ']', '{', '}', 'é', '\n'), maxLength: 80 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.array(text, { minLength: 1, maxLength: 4 }), (depth, texts) => {
        let value: unknown = texts;
        for (let level = 1; level < depth; level++) value = level % 2 ? { [texts[0]]: value, other: texts.at(-1) } : [texts[0], value];
        const body = bytes(JSON.stringify(value));
        expect(exceedsJsonDepth(body, depth)).toBe(false);
        expect(exceedsJsonDepth(body, depth - 1)).toBe(true);
      }),
    );
  });
});
