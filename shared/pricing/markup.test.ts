import { describe, expect, it } from 'vitest';
import { withMarkup } from './markup.ts';

describe('withMarkup', () => {
  it('adds basis points and rounds up once', () => {
    expect(withMarkup(1_000_000, 1500)).toBe(1_150_000);
    expect(withMarkup(1, 1500)).toBe(2);
    expect(withMarkup(7, 0)).toBe(7);
    expect(withMarkup(0, 1500)).toBe(0);
  });
});
