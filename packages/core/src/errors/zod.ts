import type { z } from 'zod';
import { GatewayError, type ValidationIssue } from './gateway-error.ts';
import { formatPath } from './path.ts';

/**
 * Zod issues as data, keeping each issue's path so a client can point at the exact field. Given
 * the input that failed, each issue also says what it saw there (a length, a count, a type) next
 * to the limit it broke, and its message says both: a user reads how to fix it, not only what.
 */
export function toValidationIssues(
  error: z.ZodError,
  input?: unknown,
  options: IssueOptions = {},
): ValidationIssue[] {
  return error.issues.map((issue) => describeIssue(issue, input, options));
}

export interface IssueOptions {
  /** What to call the input itself in a message when an issue is about all of it. */
  whole?: string;
  /** Where the input sits in the request, prepended to every path (`['documents', 3]`). */
  prefix?: readonly (string | number)[];
}

/** A schema failure as the `invalid_request` error; the message is produced from the issues. */
export function invalidRequest(
  error: z.ZodError,
  where = 'body',
  input?: unknown,
  options: IssueOptions = {},
): GatewayError {
  return invalidRequestFrom(toValidationIssues(error, input, options), where);
}

/** Issues (from Zod or any other check) as the `invalid_request` error. */
export function invalidRequestFrom(issues: ValidationIssue[], where = 'body'): GatewayError {
  const summary = issues
    .slice(0, 3)
    .map((issue) => issue.message)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new GatewayError('invalid_request', `Invalid request ${where}: ${summary}${more}`, {
    details: { issues },
  });
}

type ZodIssue = z.core.$ZodIssue;

function describeIssue(issue: ZodIssue, input: unknown, options: IssueOptions): ValidationIssue {
  const inInput = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
  const path = [...(options.prefix ?? []), ...inInput];
  const base = { path, code: issue.code };
  const at = formatPath(path, options.whole);
  const seen = valueAt(input, inInput);
  switch (issue.code) {
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const bound = Number(big ? issue.maximum : issue.minimum);
      const unit = UNITS[issue.origin];
      const measured = measure(seen, issue.origin);
      const limit = `${big ? 'at most' : 'at least'} ${count(bound)}${unit ? ` ${unit}` : ''} ${big ? 'allowed' : 'required'}`;
      const limitField = big ? { maximum: bound } : { minimum: bound };
      // The raw input can look fine where Zod measured a transformed value (a trimmed string).
      const contradicts = measured !== undefined && (big ? measured <= bound : measured >= bound);
      if (measured === undefined || contradicts) {
        const note = contradicts && issue.origin === 'string' ? ' (after trimming whitespace)' : '';
        return { ...base, ...limitField, ...(unit ? { unit } : {}), message: `${at}: ${limit}${note}` };
      }
      const what = unit ? `${count(measured)} ${unit}` : count(measured);
      return {
        ...base,
        ...limitField,
        received: measured,
        ...(unit ? { unit } : {}),
        message: `${at}: ${what}, ${big ? 'at most' : 'at least'} ${count(bound)} ${big ? 'allowed' : 'required'}`,
      };
    }
    case 'invalid_format': {
      const pattern = issue.format === 'regex' && issue.pattern ? regexSource(issue.pattern) : undefined;
      const shown = typeof seen === 'string' ? `${quote(seen)} ` : '';
      const rule = pattern
        ? `does not match the pattern ${pattern} (${issue.message})`
        : `is not valid: ${issue.message}`;
      return {
        ...base,
        ...(typeof seen === 'string' ? { received: clip(seen) } : {}),
        ...(pattern ? { pattern } : {}),
        message: `${at}: ${shown}${rule}`,
      };
    }
    case 'invalid_key': {
      // A record key that failed its own schema: the path ends at the key, the reason is nested.
      const inner = issue.issues[0];
      const key = path.at(-1);
      const pattern =
        inner?.code === 'invalid_format' && inner.format === 'regex' && inner.pattern
          ? regexSource(inner.pattern)
          : undefined;
      const reason = inner?.message ?? issue.message;
      return {
        ...base,
        ...(key !== undefined ? { received: String(key) } : {}),
        ...(pattern ? { pattern } : {}),
        message: `${at}: the key ${quote(String(key ?? ''))} is not allowed${pattern ? `, keys must match ${pattern}` : ''} (${reason})`,
      };
    }
    case 'invalid_type':
      return {
        ...base,
        received: typeName(seen),
        message: `${at}: expected ${issue.expected}, received ${typeName(seen)}`,
      };
    case 'unrecognized_keys':
      return {
        ...base,
        received: issue.keys.join(', '),
        message: `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quote).join(', ')}`,
      };
    default:
      return {
        ...base,
        ...(typeof seen === 'string' ? { received: clip(seen) } : {}),
        message: `${at}: ${issue.message}${typeof seen === 'string' ? ` (received ${quote(seen)})` : ''}`,
      };
  }
}

const UNITS: Partial<Record<string, 'characters' | 'items'>> = {
  string: 'characters',
  array: 'items',
  set: 'items',
};

function measure(value: unknown, origin: string): number | undefined {
  if (origin === 'string' && typeof value === 'string') return value.length;
  if (origin === 'array' && Array.isArray(value)) return value.length;
  if (origin === 'set' && value instanceof Set) return value.size;
  if ((origin === 'number' || origin === 'int') && typeof value === 'number') return value;
  return undefined;
}

/** The value at `path` in the input; undefined when the input was not given or has no such field. */
function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** 2400000 → "2,400,000": limits are read by people. */
function count(value: number): string {
  return value.toLocaleString('en-US');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `/^[a-z]+$/` → `^[a-z]+$`: the pattern as a user writes it. */
function regexSource(pattern: string): string {
  const match = /^\/(.*)\/[a-z]*$/s.exec(pattern);
  return match?.[1] ?? pattern;
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

function quote(value: string): string {
  return JSON.stringify(clip(value));
}
