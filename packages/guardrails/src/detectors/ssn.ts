import { regexSpans, type Detector } from './detector.ts';

/** AAA-GG-SSSS with dashes or spaces (the same separator twice). */
const FORMATTED = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g;
/** Nine digits together, only right after words that say what they are. */
const LABELLED =
  /(?<=\b(?:SSN|SSA|social security(?: number| no\.?| #)?)\s*(?:is|:|#|no\.?)?\s*)(\d{3})(\d{2})(\d{4})(?!\d)/gi;

/** Numbers the SSA has never issued or published as examples (and so are not anyone's). */
const NOT_ISSUED = new Set(['078051120', '219099999', '123456789']);

/**
 * Whether a number is in the ranges the Social Security Administration issues: area 001–665 or
 * 667–899 (never 000, 666 or 900–999, the last being ITINs), group 01–99, serial 0001–9999.
 */
export function ssnIssuable(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return (
    a !== 0 &&
    a !== 666 &&
    a < 900 &&
    group !== '00' &&
    serial !== '0000' &&
    !NOT_ISSUED.has(area + group + serial)
  );
}

/**
 * US Social Security numbers: `AAA-GG-SSSS` or `AAA GG SSSS`, and nine digits together only
 * after "SSN", "social security number" and the like, with the ranges never issued excluded
 * (area 000, 666, 900–999; group 00; serial 0000; the SSA's published example numbers). Misses:
 * nine bare digits without such a label, numbers with other separators. A formatted number in an
 * issued range that is something else (a part number written 3-2-4) is taken for an SSN.
 */
export const ssn: Detector = {
  label: 'SSN',
  window: 40,
  find: (text) => {
    if (!/\d{2}/.test(text)) return [];
    const spans = regexSpans(FORMATTED, text, (m) =>
      ssnIssuable(m[1] as string, m[3] as string, m[4] as string)
        ? { start: m.index, end: m.index + m[0].length }
        : undefined,
    );
    const labelled = regexSpans(LABELLED, text, (m) =>
      ssnIssuable(m[1] as string, m[2] as string, m[3] as string)
        ? { start: m.index, end: m.index + m[0].length }
        : undefined,
    );
    return labelled.length === 0 ? spans : [...spans, ...labelled].sort((a, b) => a.start - b.start);
  },
};
