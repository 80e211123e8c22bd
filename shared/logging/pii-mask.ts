/**
 * PII masking for prompt and completion logs (a team's `logPrompts`). Errs on the side of
 * masking: a long number that could be a phone number is masked even if it was an order id.
 *
 * - emails -> `[EMAIL]`
 * - card numbers: 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn
 *   check -> `[CARD]` (a digit run that fails it is not a card: an id, a timestamp)
 * - phone numbers: 9 to 15 digits (E.164's maximum), optionally with `+country`, `(area)` and
 *   space, dot or dash separators; 7 or more digits when written with `+` or `(area)` -> `[PHONE]`
 */
export const MASK = { email: '[EMAIL]', card: '[CARD]', phone: '[PHONE]' } as const;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD_CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
const PHONE_CANDIDATE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]?\d{2,5}){1,5}(?![\d])/g;

/** The Luhn checksum (ISO/IEC 7812) over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** `text` with emails, card numbers and phone numbers replaced by placeholders. */
export function maskPii(text: string): string {
  return text
    .replace(EMAIL, MASK.email)
    .replace(CARD_CANDIDATE, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? MASK.card : match;
    })
    .replace(PHONE_CANDIDATE, (match) => {
      const digits = match.replace(/\D/g, '').length;
      const marked = match.startsWith('+') || match.includes('(');
      return digits <= 15 && (digits >= 9 || (marked && digits >= 7)) ? MASK.phone : match;
    });
}
