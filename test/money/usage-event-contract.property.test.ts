/**
 * The usage event contract is declared once, as a zod schema (shared/events/usage-event.ts); the
 * consumers check events with that schema compiled by ajv (usageEventReader). Whatever arrives, the
 * compiled check must accept exactly what zod's parse accepts and hand over the same event: an
 * event zod would refuse is dead-lettered, never stored, and one it accepts is never lost.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { UsageEvent, usageEventReader } from '../../shared/events/usage-event.ts';
import { usageEvent } from '../support/usage-events.ts';

const FIELDS = Object.keys(UsageEvent.shape);

/** Values that sit on the edges of the fields' types: wrong types, bounds, near-ISO timestamps. */
const edgeValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(0, -1, 1, 1.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), '', 'ok', 'blocked', 'nope', null, true, [], {}, ['a'], { a: 'b' }, { a: 1 }),
  fc.constantFrom(
    '2026-03-31T12:34:56.000Z',
    '2026-03-31T12:34:56Z',
    '2026-02-30T00:00:00Z',
    '2026-03-31T12:34:56+01:00',
    '2026-03-31 12:34:56Z',
    '2026-03-31T24:00:00Z',
  ),
);

/** A valid event, then some fields replaced or removed and perhaps a field of a later release added. */
const arrivedEvent = fc
  .record({
    replaced: fc.dictionary(fc.constantFrom(...FIELDS), edgeValue, { maxKeys: 3 }),
    removed: fc.subarray(FIELDS, { maxLength: 2 }),
    extra: fc.option(fc.tuple(fc.constantFrom('fieldOfALaterRelease', 'constructor', '__proto__'), fc.jsonValue())),
    optional: fc.boolean(),
  })
  .map(({ replaced, removed, extra, optional }) => {
    const base: Record<string, unknown> = {
      ...usageEvent('team-1', 'key-1'),
      ...(optional ? { tags: ['a', 'b'], metadata: { app: 'x' }, byok: false, cacheWriteTokens: 3, guardrail: 'pii' } : {}),
      ...replaced,
    };
    for (const field of removed) delete base[field];
    // Through JSON, as a consumer receives it (a `__proto__` key included as an own field).
    const text = JSON.stringify(base);
    return extra ? `${text.slice(0, -1)},${JSON.stringify(extra[0])}:${JSON.stringify(extra[1])}}` : text;
  });

it('the compiled check accepts exactly what the zod schema accepts, and hands over the same event', () => {
  const readUsageEvent = usageEventReader();
  fc.assert(
    fc.property(arrivedEvent, (text) => {
      const byZod = UsageEvent.safeParse(JSON.parse(text));
      const read = readUsageEvent(JSON.parse(text));
      expect(read !== null).toBe(byZod.success);
      if (!read || !byZod.success) return;
      expect(read.event).toStrictEqual(byZod.data);
      // `exact`: the text says exactly what the event does (nothing was dropped).
      expect(read.exact).toBe(Object.keys(JSON.parse(text)).length === Object.keys(byZod.data).length);
    }),
    { numRuns: 3000 },
  );
});
