import { GatewayError, isGatewayError, type ErrorCode, type GatewayErrorDetails } from '@aigw/core';

/**
 * What a Durable Object RPC method returns. Errors thrown across RPC arrive as plain `Error`s
 * (the `GatewayError` class and its code are lost), so objects return failures as data and the
 * client turns them back into the one error type.
 */
export type RpcResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string; details: string | null } };

/** Runs `fn` inside a Durable Object, capturing a `GatewayError` as data; anything else still throws. */
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
export function unwrap<T>(result: RpcResult<T>): T {
  if (result.ok) return result.value;
  const details =
    result.error.details === null ? undefined : (JSON.parse(result.error.details) as GatewayErrorDetails);
  throw new GatewayError(result.error.code, result.error.message, details ? { details } : {});
}
