import { describe, expect, it } from 'vitest';
import { compileDenyPattern, keywordPattern, MAX_PATTERN_LENGTH } from './guardrail-pattern.ts';

describe('deny patterns', () => {
  it('compiles RE2 patterns, matched case-insensitively anywhere in the text', () => {
    const compiled = compileDenyPattern('secret\\s+plan');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.regex.test('the SECRET   Plan is out')).toBe(true);
    expect(compiled.regex.test('secretplan')).toBe(false);
  });

  it('refuses what RE2 cannot run, nested quantifiers, empty and overlong patterns', () => {
    expect(compileDenyPattern('(a)\\1')).toMatchObject({ ok: false, reason: /not a valid RE2 pattern/ });
    expect(compileDenyPattern('(?<=x)y')).toMatchObject({ ok: false, reason: /not a valid RE2 pattern/ });
    expect(compileDenyPattern('(a+)+$')).toMatchObject({ ok: false, reason: /nested quantifiers/ });
    expect(compileDenyPattern('(\\w+\\s?)*$')).toMatchObject({ ok: false, reason: /nested quantifiers/ });
    expect(compileDenyPattern('')).toMatchObject({ ok: false, reason: /empty/ });
    expect(compileDenyPattern('a'.repeat(MAX_PATTERN_LENGTH + 1))).toMatchObject({ ok: false, reason: /longer than/ });
  });

  it('matches keywords as whole words, literally', () => {
    expect(keywordPattern('Project X').test('about project x.')).toBe(true);
    expect(keywordPattern('cat').test('concatenate')).toBe(false);
    expect(keywordPattern('c++').test('I write C++ daily')).toBe(true);
    expect(keywordPattern('a.b').test('axb')).toBe(false);
  });
});
