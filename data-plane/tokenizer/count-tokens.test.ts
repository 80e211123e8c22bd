import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { countTokens as gptTokenizerCount } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokens } from './count-tokens.ts';

/** What the gateway counted before (gpt-tokenizer), special-token markers read as plain text. */
const countedBefore = (text: string) => gptTokenizerCount(text, { disallowedSpecial: new Set() });

/** gpt-tokenizer's own samples (every encoding's, all read here as o200k_base). */
function samplesShippedWithGptTokenizer(): string[] {
  const file = createRequire(import.meta.url).resolve('gpt-tokenizer/data/TestPlans.txt');
  return [...readFileSync(file, 'utf8').matchAll(/^Sample: (.*)$/gm)].map((match) => match[1]);
}

/** Seeded, so a failure repeats: strings mixing scripts, whitespace, digits and the edge cases below. */
function randomTexts(count: number): string[] {
  const alphabet = [
    ...'abcXYZ019 \t\n\r.,;:!?\'"()[]{}<>/\\-_=+*&^%$#@~`|',
    ...["'s", "'LL", "n't", '<|endoftext|>', '<|im_start|>', '   ', '\n\n', '2024', '12345678'],
    ...'éüñßçøåÆŒ', // Latin with diacritics
    ...'你好世界こんにちは한국어', // CJK
    ...'привет мир', // Cyrillic
    ...'مرحبا', // Arabic
    ...'नमस्ते', // Devanagari, combining marks
    ...['😀', '👩‍💻', '🇪🇸', '\u0301', '\u200d'], // emoji, ZWJ, a combining accent
    // A byte order mark (alone, and before the tokens where gpt-tokenizer's lookup drops it: see
    // RankTable.mergeRankOf), the replacement character, lone surrogates.
    ...['\ufeff', '\ufeffusing', '\ufeff\n', '\ufeff名', '\ufeffង', '\ufffd', '\ud800', '\udc00'],
  ];
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    let text = '';
    const length = Math.floor(next() * 60);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    return text;
  });
}

describe('countTokens (o200k_base)', () => {
  it('counts as gpt-tokenizer did', () => {
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('')).toBe(0);
  });

  it('gives gpt-tokenizer’s count for its own samples and for 3,000 random texts', () => {
    const texts = [...samplesShippedWithGptTokenizer(), ...randomTexts(3000)];
    const differing = texts.filter((text) => countTokens(text) !== countedBefore(text));
    expect(differing).toEqual([]);
  });

  it('gives gpt-tokenizer’s count for long texts (prose, code, a long run of spaces, digits)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const code = readFileSync(new URL('./rank-table.ts', import.meta.url), 'utf8');
    for (const text of [readme, code, ' '.repeat(5000), '7'.repeat(1000), 'x'.repeat(3000), '\ufeff'.repeat(50)]) {
      expect(countTokens(text)).toBe(countedBefore(text));
    }
  });

  it('counts a special-token marker in a message as text (gpt-tokenizer threw on it)', () => {
    expect(() => gptTokenizerCount('stop <|endoftext|> here')).toThrow();
    expect(countTokens('stop <|endoftext|> here')).toBe(countedBefore('stop <|endoftext|> here'));
  });
});
