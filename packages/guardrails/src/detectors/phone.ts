import { findPhoneNumbersInText, isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import type { Detector, Span } from './detector.ts';

/** Seven digits at least: no valid number anywhere has fewer once written with its area code. */
const ENOUGH_DIGITS = /(?:\d\D{0,3}){7}/;

/**
 * Digits glued to a longer token ("INV-2024-000123", the decimals of "3.14159265358") are part of
 * that token, not a number someone would dial.
 */
function insideToken(text: string, start: number, end: number): boolean {
  return (
    /[\p{L}\p{N}_./#-]/u.test(text[start - 1] ?? '') ||
    /^(?:[\p{L}\p{N}_]|[.-]\d)/u.test(text.slice(end, end + 2))
  );
}

/**
 * Phone numbers, found and validated by libphonenumber-js with its full metadata (Google's
 * libphonenumber rules for every region: lengths, number ranges, national prefixes). Numbers
 * written with `+` and a country code are found anywhere; national numbers are read as numbers of
 * `region`. Misses: numbers written with words or odd punctuation ("five five five…", "415.555
 * .2671" with spaces inside groups), numbers of another region written without a country code, and
 * numbers in ranges no operator has been assigned, and digits glued to a longer token
 * ("INV-2024-000123", "3.14159265358"). A 10-digit order or account number that happens
 * to fall in an assigned range of the region is taken for a phone number.
 */
export function phone(region: string): Detector {
  const defaultCountry: CountryCode | undefined = isSupportedCountry(region) ? region : undefined;
  return {
    label: 'PHONE',
    window: 32,
    find: (text) => {
      if (!ENOUGH_DIGITS.test(text)) return [];
      const spans: Span[] = [];
      for (const found of findPhoneNumbersInText(
        text,
        defaultCountry === undefined ? {} : { defaultCountry },
      )) {
        if (!found.number.isValid() || insideToken(text, found.startsAt, found.endsAt)) continue;
        spans.push({ start: found.startsAt, end: found.endsAt });
      }
      return spans;
    },
  };
}
