import { GatewayError, type ErrorCode } from '@aigw/core';
import type { z } from 'zod';

/**
 * What a usage store RPC method returns. Errors thrown across RPC arrive as plain `Error`s (the
 * `GatewayError` class and its code are lost), so the object returns refusals as data and the
 * client turns them back into the one error type.
 */
export type RpcResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

export function ok<T>(value: T): RpcResult<T> {
  return { ok: true, value };
}

export function refuse<T>(code: ErrorCode, message: string): RpcResult<T> {
  return { ok: false, error: { code, message } };
}

/** Client side: the value, or the `GatewayError` the object reported. */
export function unwrap<T>(result: RpcResult<T>): T {
  if (result.ok) return result.value;
  throw new GatewayError(result.error.code, result.error.message);
}

/** Parses input; a failure is `invalid_request` naming the first issue's path. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): RpcResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  return refuse('invalid_request', `${where}${first?.message ?? 'invalid input'}`);
}
