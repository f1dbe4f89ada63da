import type { ValidationIssue } from '../errors/gateway-error.ts';
import { formatPath } from '../errors/path.ts';

/**
 * How deep a JSON value may nest: the top-level object or array is level 1. Deep enough for any
 * real request (an OpenAI tool schema rarely passes 10), shallow enough that every walk over a
 * value (hashing, canonicalising, validating) is cheap and never near the stack's limit.
 */
export const JSON_MAX_DEPTH = 64;

export interface JsonLimits {
  /** Most levels of nested objects and arrays; see `JSON_MAX_DEPTH`. */
  maxDepth: number;
  /** Most UTF-8 bytes of the JSON text. */
  maxBytes: number;
}

/** A refusal as data: what `checkJsonText` found, with the path, the limit and what it saw. */
export type JsonBoundsIssue = ValidationIssue &
  (
    | { code: 'too_deep'; maximum: number; received: number; unit: 'levels' }
    | { code: 'too_large'; maximum: number; received: number; unit: 'bytes' }
  );

/**
 * Checks JSON text against the limits before anything parses, walks or hashes it. One pass over
 * the characters, no recursion and no parse: it tracks only the open objects and arrays (to know
 * the depth, and the path to name when it is too deep) and the UTF-8 length. Malformed JSON is
 * not its concern; the parse that follows reports that.
 */
export function checkJsonText(text: string, limits: JsonLimits): JsonBoundsIssue | undefined {
  const open: Level[] = [];
  let bytes = 0;
  let inString = false;
  let stringStart = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    bytes += char < 0x80 ? 1 : char < 0x800 || (char >= 0xd800 && char <= 0xdfff) ? 2 : 3;
    if (inString) {
      if (char === BACKSLASH) {
        // The escaped character cannot end the string; JSON escapes are ASCII (one byte each).
        i += 1;
        bytes += 1;
      } else if (char === QUOTE) {
        inString = false;
        const level = open.at(-1);
        if (level?.kind === 'object' && level.awaitingKey) {
          level.key = text.slice(stringStart, i + 1);
          level.awaitingKey = false;
        }
      }
      continue;
    }
    if (char === QUOTE) {
      inString = true;
      stringStart = i;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (open.length === limits.maxDepth) return tooDeep(open, limits.maxDepth);
      open.push(
        char === OPEN_BRACE ? { kind: 'object', key: '', awaitingKey: true } : { kind: 'array', index: 0 },
      );
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      open.pop();
    } else if (char === COMMA) {
      const level = open.at(-1);
      if (level?.kind === 'array') level.index += 1;
      else if (level?.kind === 'object') level.awaitingKey = true;
    }
  }
  if (bytes > limits.maxBytes) {
    return {
      path: [],
      code: 'too_large',
      message: `${bytes} bytes of JSON, at most ${limits.maxBytes} allowed`,
      maximum: limits.maxBytes,
      received: bytes,
      unit: 'bytes',
    };
  }
  return undefined;
}

/**
 * The first value that would open level `maxDepth + 1`, named by its path. Only the depth is
 * reported as seen: the scan stops there, so the value's full depth is never measured.
 */
function tooDeep(open: readonly Level[], maxDepth: number): JsonBoundsIssue {
  const path = open.map((level) => (level.kind === 'array' ? level.index : keyOf(level.key)));
  return {
    path,
    code: 'too_deep',
    message: `${formatPath(path, '(top level)')}: nested more than ${maxDepth} levels deep, at most ${maxDepth} allowed`,
    maximum: maxDepth,
    received: maxDepth + 1,
    unit: 'levels',
  };
}

function keyOf(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    // A malformed key: the parse that follows refuses the text; name it as written meanwhile.
    return quoted.slice(1, -1);
  }
}

type Level = { kind: 'array'; index: number } | { kind: 'object'; key: string; awaitingKey: boolean };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
