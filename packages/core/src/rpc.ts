import type { z } from 'zod';
import { GatewayError, isGatewayError, type ErrorCode, type GatewayErrorDetails } from './errors/index.ts';

/**
 * What a Durable Object RPC method returns. An error thrown inside an object reaches the caller
 * as a plain `Error` (the `GatewayError` class, code and details are lost), so objects return
 * refusals as data and their clients turn them back into the one error type (docs/adr/0002).
 */
export type RpcResult<T, C extends ErrorCode = ErrorCode> =
  { ok: true; value: T } | { ok: false; error: { code: C; message: string; details?: string | null } };

export function ok<T>(value: T): RpcResult<T, never> {
  return { ok: true, value };
}

/** `C` narrows the codes an object may refuse with (e.g. a session's), keeping its type exact. */
export function refuse<T, C extends ErrorCode = ErrorCode>(code: C, message: string): RpcResult<T, C> {
  return { ok: false, error: { code, message } };
}

/** Runs `fn` inside an object, capturing a `GatewayError` as data; anything else still throws. */
export function capture<T>(fn: () => T): RpcResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    const details = error.details === undefined ? null : JSON.stringify(error.details);
    return { ok: false, error: { code: error.code, message: error.message, details } };
  }
}

/** Client side: the value, or the `GatewayError` the object reported. */
export function unwrap<T, C extends ErrorCode>(result: RpcResult<T, C>): T {
  if (result.ok) return result.value;
  const raw = result.error.details;
  const details = raw === undefined || raw === null ? undefined : (JSON.parse(raw) as GatewayErrorDetails);
  throw new GatewayError(result.error.code, result.error.message, details ? { details } : {});
}

/** Parses an RPC method's input; a failure is `invalid_request` naming the first issue's path. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
): RpcResult<z.output<S>, 'invalid_request'> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return refuse('invalid_request', `${where}${first?.message ?? 'invalid input'}`);
}
