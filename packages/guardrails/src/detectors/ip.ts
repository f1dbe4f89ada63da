import { regexSpans, type Detector, type Span } from './detector.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Four octets, not part of a longer dotted number (a version "1.2.3.4.5") or a decimal. */
const IPV4 = new RegExp(`(?<![\\w.:])${OCTET}(?:\\.${OCTET}){3}(?!\\.?\\d|\\w)`, 'g');
/** Words after which a dotted number is a section, version or release, not an address. */
const NOT_ADDRESS =
  /(?:\b(?:v|ver\.?|version|release|build|update|patch|firmware|kernel|sdk|api|python|node|java|ruby|php|perl|go|rust|chrome|firefox|safari|ios|android|windows|macos|ubuntu|debian|section|chapter|clause|figure|table|rule|step)\s*|§\s*)$/i;
/** Hex digits, colons and dots with a colon among them: the candidates an IPv6 parser then checks. */
const IPV6 = /(?<![\w:.])(?=[0-9A-Fa-f.]*:)[0-9A-Fa-f:.]{2,45}(?![\w:.])/g;
const IPV4_EXACT = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** RFC 4291 text forms: eight groups, or fewer with one `::`, the last two optionally as IPv4. */
export function ipv6Valid(candidate: string): boolean {
  let text = candidate;
  let slots = 8;
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (tail !== null) {
    const quad = tail[1] as string;
    if (!IPV4_EXACT.test(quad) || !text.slice(0, -quad.length).endsWith(':')) return false;
    text = text.slice(0, -quad.length);
    if (!text.endsWith('::')) text = text.slice(0, -1);
    slots = 6;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  if (halves.length === 2) return groups.length < slots && (groups.length > 0 || tail !== null);
  return groups.length === slots;
}

/**
 * IP addresses: IPv4 dotted quads with every octet 0–255, not inside a longer dotted number and
 * not right after "version", "section", a runtime or OS name ("Python 3.12.1.0") and the like; IPv6 in its full, compressed (`::`) and
 * IPv4-suffixed forms, checked group by group (so clock times and MAC addresses are not taken for
 * one). Misses: IPv4 in other notations (hex, integer, zero-padded octets such as `010.001.…`),
 * IPv6 zone ids and bracketed URL forms are matched without their brackets.
 */
export const ip: Detector = {
  label: 'IP',
  window: 48,
  find: (text) => {
    const spans: Span[] = [];
    if (text.includes('.')) {
      for (const span of regexSpans(IPV4, text)) {
        if (!NOT_ADDRESS.test(text.slice(Math.max(0, span.start - 12), span.start))) spans.push(span);
      }
    }
    if (text.includes(':')) {
      for (const span of regexSpans(IPV6, text)) {
        // A sentence's full stop is not part of the address.
        let end = span.end;
        while (text[end - 1] === '.') end--;
        if (ipv6Valid(text.slice(span.start, end))) spans.push({ start: span.start, end });
      }
      spans.sort((a, b) => a.start - b.start);
    }
    return spans;
  },
};
