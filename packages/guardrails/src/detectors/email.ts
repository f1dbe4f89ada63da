import { pendingAt, regexSpans, type Detector } from './detector.ts';

/**
 * An address as people write it: a local part of letters, digits and `._%+-` (not starting or
 * ending with a dot), `@`, dot-separated domain labels and a top-level domain of 2–24 letters.
 * Misses: obfuscated addresses ("jane at example dot com"), quoted local parts, addresses on a
 * bare host ("root@localhost") or an IP literal. Version pins such as `pkg@1.2.3` are not matched
 * (the top-level domain must be letters), nor are retina asset names such as `icon@2x.png`.
 */
const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g;
/** Consecutive dots are not allowed; `name@2x.png` is an image at double density, not an address. */
function plausible(address: string): boolean {
  return !address.includes('..') && !/@\d+x\.[a-z]+$/i.test(address);
}

/** A local part and `@` at the end of a text: the domain may still be on its way. */
const PENDING = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{0,253}$/;

export const email: Detector = {
  label: 'EMAIL',
  window: 64,
  find: (text) =>
    text.includes('@')
      ? regexSpans(EMAIL, text).filter((span) => plausible(text.slice(span.start, span.end)))
      : [],
  pending: (text) => (text.includes('@') ? pendingAt(PENDING, text) : undefined),
};
