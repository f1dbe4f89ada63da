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

function firstIssuePath(details: GatewayErrorDetails | undefined): string | undefined {
  const path = details?.issues?.[0]?.path;
  return path && path.length > 0 ? path.join('.') : undefined;
}
