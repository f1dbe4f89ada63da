import type { Detector, Span } from './detector.ts';

/** IBAN length by country (the SWIFT IBAN registry). */
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** A country code and two check digits at the start of a word. */
const START = /(?<![A-Za-z0-9])([A-Z]{2})(\d{2})/g;
const ALNUM = /[A-Z0-9]/;

/** ISO 13616's check: the number, rearranged and read in base 36, is 1 modulo 97. */
export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = Number.parseInt(char, 36);
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/**
 * International bank account numbers: a country code of the IBAN registry, two check digits and
 * exactly that country's length, written together or in groups separated by single spaces,
 * passing the mod-97 check. Misses: lower-case IBANs, IBANs broken by other characters, national
 * account numbers (BBAN) without the IBAN prefix.
 */
export const iban: Detector = {
  label: 'IBAN',
  window: 44,
  find: (text) => {
    const spans: Span[] = [];
    START.lastIndex = 0;
    for (let match = START.exec(text); match !== null; match = START.exec(text)) {
      const length = LENGTHS[match[1] as string];
      if (length === undefined) continue;
      let compact = match[0];
      let at = match.index + match[0].length;
      while (compact.length < length && at < text.length) {
        const char = text[at] as string;
        if (ALNUM.test(char)) compact += char;
        else if (!(char === ' ' && ALNUM.test(text[at + 1] ?? ''))) break;
        at++;
      }
      if (compact.length !== length || ALNUM.test(text[at] ?? '') || /[a-z]/.test(text[at] ?? '')) continue;
      if (!ibanValid(compact)) continue;
      spans.push({ start: match.index, end: at });
      START.lastIndex = at;
    }
    return spans;
  },
};
