import { ERROR_CODES, type OpenAIErrorType } from './codes.ts';
import type { GatewayError, GatewayErrorDetails } from './gateway-error.ts';

/** The native error envelope: `{ error: { code, message, details? }, requestId }`. */
export interface NativeErrorBody {
  error: { code: string; message: string; details?: GatewayErrorDetails };
  requestId: string;
}

/** OpenAI's error shape, so OpenAI SDKs raise their typed errors on `/v1/*`. */
export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string };
}

/**
 * Anthropic's error types (its Messages API and SDKs). Derived from the code's registered status
 * and OpenAI type, so a new code needs no third entry: Anthropic names 404, 413 and 504 apart.
 */
export type AnthropicErrorType = OpenAIErrorType | 'request_too_large' | 'timeout_error';

/**
 * Anthropic's error shape, so Anthropic SDKs raise their typed errors on `/v1/messages`. The
 * gateway's own code travels as `details.error_code`, which those SDKs expose as `errorCode`.
 */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string; details: { error_code: string; param?: string } };
  request_id: string;
}

export function toNativeErrorBody(error: GatewayError, requestId: string): NativeErrorBody {
  const body: NativeErrorBody = { error: { code: error.code, message: error.message }, requestId };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

export function toOpenAIErrorBody(error: GatewayError): OpenAIErrorBody {
  return {
    error: {
      message: error.message,
      type: ERROR_CODES[error.code].openaiType,
      param: error.param ?? firstIssuePath(error.details) ?? null,
      code: error.code,
    },
  };
}

export function toAnthropicErrorBody(error: GatewayError, requestId: string): AnthropicErrorBody {
  const param = error.param ?? firstIssuePath(error.details);
  return {
    type: 'error',
    error: {
      type: anthropicTypeOf(error),
      message: error.message,
      details: { error_code: error.code, ...(param !== undefined ? { param } : {}) },
    },
    request_id: requestId,
  };
}

/** Anthropic names its error types by status; a status it has no name for keeps OpenAI's type. */
const ANTHROPIC_TYPE_BY_STATUS: Partial<Record<number, AnthropicErrorType>> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
};

function anthropicTypeOf(error: GatewayError): AnthropicErrorType {
  return ANTHROPIC_TYPE_BY_STATUS[error.status] ?? ERROR_CODES[error.code].openaiType;
}

function firstIssuePath(details: GatewayErrorDetails | undefined): string | undefined {
  const path = details?.issues?.[0]?.path;
  return path && path.length > 0 ? path.join('.') : undefined;
}
