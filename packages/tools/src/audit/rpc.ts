import { GatewayError, type ErrorCode } from '@aigw/core';

/**
 * What an audit ledger RPC method returns. Errors thrown across RPC arrive as plain `Error`s (the
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
