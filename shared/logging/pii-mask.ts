import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { PII_ENTITIES, type PiiEntity } from '../snapshot/guardrail.ts';

/**
 * PII masking for prompt and completion logs (a team's `logPrompts`) and for PII guardrails
 * (which pick the entities). Errs on the side of masking: a long number that could be a phone
 * number is masked even if it was an order id.
 *
 * - API keys, tokens and URL passwords (see API_KEYS) -> `[API_KEY]`
 * - emails -> `[EMAIL]`
 * - IBANs: a country code, two check digits and 11 to 30 letters or digits, optionally grouped by
 *   spaces, that ibantools accepts (the country's length and format, the mod-97 check) -> `[IBAN]`
 * - card numbers: 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn
 *   check -> `[CARD]` (a digit run that fails it is not a card: an id, a timestamp)
 * - phone numbers: 9 to 15 digits (E.164's maximum), optionally with `+country`, `(area)` and
 *   space, dot or dash separators; 7 or more digits when written with `+` or `(area)` -> `[PHONE]`
 */
export const MASK = { email: '[EMAIL]', card: '[CARD]', phone: '[PHONE]', apiKey: '[API_KEY]', iban: '[IBAN]' } as const;

const ALL: ReadonlySet<PiiEntity> = new Set(PII_ENTITIES);

/**
 * Credential-shaped strings, masked first (their digits must not be taken for phone numbers):
 * ours (`tg_`, `tga_`), OpenAI and Anthropic (`sk-`, `sk-proj-`, `sk-ant-`, also `rk-`/`pk-`),
 * Google (`AIza` + 35), AWS access key ids (`AKIA`/`ASIA` + 16), GitHub (`ghp_`, `gho_`,
 * `ghs_`, `ghu_`, `ghr_`, `github_pat_`), Slack (`xoxb-`...), Hugging Face (`hf_`), Groq
 * (`gsk_`), Replicate (`r8_`), Stripe-style (`sk_live_`...), JWTs (`eyJ...` three parts), bearer
 * tokens, and URL passwords (`scheme://user:pw@`).
 */
const API_KEYS: [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, 'Bearer [API_KEY]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1[API_KEY]@'],
  [
    /(?<![A-Za-z0-9])(?:tga?_|sk-ant-|sk-proj-|sk-|rk-|pk-|sk_(?:live|test)_|rk_(?:live|test)_|gh[pousr]_|github_pat_|xox[abposr]-|hf_|gsk_|r8_)[A-Za-z0-9_-]{12,}|AIza[0-9A-Za-z_-]{35}|(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    '[API_KEY]',
  ],
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
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

/**
 * `text` with the chosen entities (all by default: credentials, emails, IBANs, card numbers,
 * phone numbers) replaced by placeholders, in that order: a credential's or an IBAN's digits must
 * not be taken for a phone number.
 */
export function maskPii(text: string, entities: ReadonlySet<PiiEntity> = ALL): string {
  let out = text;
  if (entities.has('api_key')) for (const [pattern, replacement] of API_KEYS) out = out.replace(pattern, replacement);
  if (entities.has('email')) out = out.replace(EMAIL, MASK.email);
  if (entities.has('iban')) out = out.replace(IBAN_CANDIDATE, (match) => (isValidIBAN(electronicFormatIBAN(match) ?? '') ? MASK.iban : match));
  if (entities.has('card')) {
    out = out.replace(CARD_CANDIDATE, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? MASK.card : match;
    });
  }
  if (entities.has('phone')) {
    out = out.replace(PHONE_CANDIDATE, (match) => {
      const digits = match.replace(/\D/g, '').length;
      const marked = match.startsWith('+') || match.includes('(');
      return digits <= 15 && (digits >= 9 || (marked && digits >= 7)) ? MASK.phone : match;
    });
  }
  return out;
}

/** The chosen entities `text` contains (empty when none): masking changes exactly these. */
export function findPii(text: string, entities: ReadonlySet<PiiEntity> = ALL): PiiEntity[] {
  return [...entities].filter((entity) => maskPii(text, new Set([entity])) !== text);
}
