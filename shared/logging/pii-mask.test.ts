import { describe, expect, it } from 'vitest';
import { findPii, luhnValid, maskPii } from './pii-mask.ts';

describe('PII masking', () => {
  it('masks emails', () => {
    expect(maskPii('write to jane.doe+work@mail.example.co.uk today')).toBe('write to [EMAIL] today');
    expect(maskPii('a@b.io,c_d@e-f.com')).toBe('[EMAIL],[EMAIL]');
  });

  it('masks card numbers that pass the Luhn check, grouped or not', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(maskPii('card 4111 1111 1111 1111 exp 12/29')).toBe('card [CARD] exp 12/29');
    expect(maskPii('amex 3782-822463-10005.')).toBe('amex [CARD].');
    expect(maskPii('5500005555555559')).toBe('[CARD]');
  });

  it('leaves digit runs that fail the Luhn check and are too long for a phone', () => {
    expect(maskPii('order 4111111111111112 shipped')).toBe('order 4111111111111112 shipped');
  });

  it('masks phone numbers in common shapes', () => {
    expect(maskPii('call +1 (415) 555-2671 now')).toBe('call [PHONE] now');
    expect(maskPii('tel: +44 20 7946 0958')).toBe('tel: [PHONE]');
    expect(maskPii('0612345678')).toBe('[PHONE]');
    expect(maskPii('06 12 34 56 78')).toBe('[PHONE]');
    expect(maskPii('415.555.2671')).toBe('[PHONE]');
  });

  it('leaves ordinary numbers and text alone', () => {
    const text = 'In 2026 we sold 12,500 units at 3.5% for $1200; version 1.10.2; room 404.';
    expect(maskPii(text)).toBe(text);
    expect(maskPii('')).toBe('');
  });
  it('masks API keys and tokens without touching the words around them', () => {
    expect(maskPii('use sk-ant-api03-Ab12Cd34Ef56Gh78 or tg_Zx8aQ2mN4pL6rT0v, ok?')).toBe('use [API_KEY] or [API_KEY], ok?');
    expect(maskPii('AKIAIOSFODNN7EXAMPLE')).toBe('[API_KEY]');
    expect(maskPii('task-force and sk-short and risk-free')).toBe('task-force and sk-short and risk-free');
  });
});

describe('PII entities', () => {
  it('masks IBANs that pass their country format and mod-97 check, grouped or not', () => {
    expect(maskPii('pay DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432')).toBe('pay [IBAN] or [IBAN]');
    // A wrong check digit: not an IBAN (and too long to be a phone number).
    expect(maskPii('ref DE89370400440532013001')).toBe('ref DE89370400440532013001');
  });

  it('masks only the entities asked for, and reports which it finds', () => {
    const text = 'mail jane@example.com, card 4111 1111 1111 1111';
    expect(maskPii(text, new Set(['email']))).toBe('mail [EMAIL], card 4111 1111 1111 1111');
    expect(findPii(text, new Set(['email', 'card', 'iban']))).toEqual(['email', 'card']);
    expect(findPii('nothing here')).toEqual([]);
  });
});
