import { ERROR_CODES, type ErrorCode, type ErrorKind } from './codes.ts';

/** One issue of a failed validation, kept as data so callers can point at the exact field. */
export interface ValidationIssue {
  /** Path into the request body, e.g. `['messages', 0, 'content']`. */
  path: (string | number)[];
  /** Machine-readable issue code (Zod's issue code for schema failures). */
  code: string;
  /** Names the field, what it held and the limit, e.g. `documents[3].id: 300 characters, at most 256 allowed`. */
  message: string;
  /** The largest accepted value, length or count (in `unit`), when a limit was passed. */
  maximum?: number;
  /** The smallest accepted value, length or count (in `unit`). */
  minimum?: number;
  /** What the request held, in `unit` (a length, a count) or as a value (a number, a type). */
  received?: number | string;
  unit?: 'characters' | 'bytes' | 'items' | 'levels';
  /** The pattern a string must match, as a regular expression source. */
  pattern?: string;
  /** The tenant config setting that holds the limit, when it is one a tenant can change. */
  setting?: string;
}

export interface GatewayErrorDetails {
  issues?: ValidationIssue[];
  [key: string]: unknown;
}

export interface GatewayErrorOptions {
  details?: GatewayErrorDetails;
  /** OpenAI's `param`: the request field at fault, if one is. */
  param?: string;
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The only error type handlers throw. It carries a registered code; status, kind and the OpenAI
 * error type come from the registry so they cannot disagree between call sites.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly details: GatewayErrorDetails | undefined;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message?: string, options: GatewayErrorOptions = {}) {
    super(message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.param = options.param;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code].kind;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
