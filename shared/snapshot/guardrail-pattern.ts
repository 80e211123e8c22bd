import { RE2JS } from 're2js';
import safeRegex from 'safe-regex2';

/** Longest pattern or keyword a deny list takes: bounds the compiled program, whatever it says. */
export const MAX_PATTERN_LENGTH = 500;
/** Patterns plus keywords of one deny list. */
export const MAX_DENY_ENTRIES = 200;

export type CompiledPattern = { ok: true; regex: RE2JS } | { ok: false; reason: string };

/**
 * A deny-list pattern compiled for matching, or why it is refused. The control plane calls this
 * when a guardrail is saved (a refusal is a typed GraphQL error), the data plane when it compiles
 * the snapshot (a refused pattern there means the snapshot was not written by us: it is skipped).
 *
 * Matching runs on re2js, a port of RE2: linear time in the input, whatever the pattern, so no
 * prompt can make a check backtrack for seconds. RE2 has no backreferences or lookaround; such
 * patterns are refused with RE2's own message. Patterns that would backtrack catastrophically in
 * a backtracking engine (nested quantifiers such as `(a+)+`, star height above 1, as safe-regex2
 * measures it) are refused too: harmless here, but they are almost always a mistake, and the
 * same list may be exported to tools that backtrack.
 */
export function compileDenyPattern(source: string): CompiledPattern {
  if (source.length === 0) return { ok: false, reason: 'the pattern is empty' };
  if (source.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `the pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    return { ok: false, reason: `not a valid RE2 pattern: ${(error as Error).message}` };
  }
  if (!safeRegex(source)) return { ok: false, reason: 'nested quantifiers (such as `(a+)+`) can backtrack catastrophically; rewrite it without them' };
  return { ok: true, regex };
}

/** A keyword as a whole-word, case-insensitive pattern (its characters taken literally). */
export function keywordPattern(keyword: string): RE2JS {
  const quoted = RE2JS.quote(keyword.trim());
  // \b only where the keyword starts or ends with a word character: `c++` still matches.
  const start = /^\w/.test(keyword.trim()) ? '\\b' : '';
  const end = /\w$/.test(keyword.trim()) ? '\\b' : '';
  return RE2JS.compile(`${start}${quoted}${end}`, RE2JS.CASE_INSENSITIVE);
}
