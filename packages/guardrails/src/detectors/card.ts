import { digitsOf, regexSpans, type Detector, type Span } from './detector.ts';

/** Runs of digit groups joined by one space or dash each: where a card number can hide. */
const DIGIT_RUN = /(?<![\w.,])\d{1,19}(?:[ -]\d{1,19})*(?![\w])/g;

/** Issuer ranges (IIN prefixes) and the lengths each network issues. */
const NETWORKS: readonly { prefix: RegExp; lengths: readonly number[] }[] = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(?:5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720))/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(?:6011|65|64[4-9])/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(?:30[0-5]|36|38|39)/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
];

/** The Luhn (mod 10) checksum every payment card number carries in its last digit. */
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
  return sum % 10 === 0;
}

function isCardNumber(digits: string): boolean {
  return (
    NETWORKS.some((network) => network.prefix.test(digits) && network.lengths.includes(digits.length)) &&
    luhnValid(digits)
  );
}

/**
 * Payment card numbers: 13–19 digits, written together or in groups separated by single spaces or
 * dashes, in an issuer range with a length that network issues, passing the Luhn check. Within a
 * longer run of groups ("4111 1111 1111 1111 123"), the consecutive groups that form a card are
 * found; groups of one or two digits are not taken for one. Misses: numbers split by other characters or across lines, Maestro and other networks
 * outside the table, numbers written as words. A Luhn-valid number in an issuer range that is not
 * a card (about 1 in 10 random numbers of the right length and prefix) is taken for one.
 */
export const card: Detector = {
  label: 'CARD',
  window: 24,
  find: (text) => {
    if (!/\d{4}/.test(text) && !/\d[ -]\d/.test(text)) return [];
    const spans: Span[] = [];
    regexSpans(DIGIT_RUN, text, (match) => {
      const run = match[0];
      if (digitsOf(run).length < 13) return undefined;
      // Group boundaries in the run; a card is a window of consecutive groups.
      const groups: Span[] = [];
      for (const group of run.matchAll(/\d+/g))
        groups.push({ start: group.index, end: group.index + group[0].length });
      for (let first = 0; first < groups.length; first++) {
        let digits = '';
        for (let last = first; last < groups.length; last++) {
          const group = groups[last] as Span;
          // Cards are printed in groups of 3 to 6 digits (4-4-4-4, 4-6-5): a run of short numbers
          // ("1 2 3 … 16") is a list, not a card.
          if (groups.length > 1 && group.end - group.start < 3) break;
          digits += run.slice(group.start, group.end);
          if (digits.length > 19) break;
          if (digits.length >= 13 && isCardNumber(digits)) {
            spans.push({ start: match.index + (groups[first] as Span).start, end: match.index + group.end });
            first = last;
            break;
          }
        }
      }
      return undefined;
    });
    return spans;
  },
};
