import { HTTPException } from 'hono/http-exception';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import {
  GatewayError,
  invalidRequest,
  isGatewayError,
  toAnthropicErrorBody,
  toNativeErrorBody,
  toOpenAIErrorBody,
  type ErrorCode,
} from '@aigw/core';
import { ZodError } from 'zod';
import type { GatewayEnv } from '../../context.ts';

/** Routes under `/v1/` speak OpenAI's wire format, errors included, so OpenAI SDKs parse them. */
export function isOpenAIRoute(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}

/** `/v1/messages` (and anything below it) speaks Anthropic's, so Anthropic SDKs parse them. */
export function isAnthropicRoute(path: string): boolean {
  return path === '/v1/messages' || path.startsWith('/v1/messages/');
}

/** How one wire format renders an error: its body, and any headers its clients read. */
interface ErrorFormat {
  matches: (path: string) => boolean;
  body: (error: GatewayError, requestId: string) => object;
  headers?: (requestId: string) => Record<string, string>;
}

/**
 * Each codec's error shape, chosen by the route's path: the first match wins, the native envelope
 * serves the rest. Errors raised before a route runs (authentication, rate limits, body size) are
 * rendered here too, so a client always gets its own API's shape.
 */
const ERROR_FORMATS: readonly ErrorFormat[] = [
  {
    matches: isAnthropicRoute,
    body: toAnthropicErrorBody,
    // Anthropic SDKs read the request id from this header (`error.requestID`).
    headers: (requestId) => ({ 'request-id': requestId }),
  },
  { matches: isOpenAIRoute, body: (error) => toOpenAIErrorBody(error) },
];
const nativeFormat: ErrorFormat = { matches: () => true, body: toNativeErrorBody };

/**
 * The one place an error becomes a response. Everything thrown below the app ends here: our own
 * `GatewayError`, Hono's `HTTPException` (malformed JSON, unsupported media type from the
 * validators) and anything unexpected, which becomes `internal` without leaking its message.
 */
export const onError: ErrorHandler<GatewayEnv> = (error, c) => {
  const gatewayError = toGatewayError(error);
  // Our own system errors (upstream failures, misconfiguration) are already described by the
  // request log line; only the unexpected ones need their stack.
  if (gatewayError.code === 'internal') {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'unhandled error',
        requestId: c.get('requestId'),
        code: gatewayError.code,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      }),
    );
  }
  return renderError(c, gatewayError);
};

export const notFound: NotFoundHandler<GatewayEnv> = (c) =>
  renderError(c, new GatewayError('not_found', `No route for ${c.req.method} ${c.req.path}.`));

export function renderError(c: Context<GatewayEnv>, error: GatewayError): Response {
  c.set('errorCode', error.code);
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  const requestId = c.get('requestId');
  const format = ERROR_FORMATS.find((candidate) => candidate.matches(c.req.path)) ?? nativeFormat;
  for (const [name, value] of Object.entries(format.headers?.(requestId) ?? {})) c.header(name, value);
  // The status comes from the code registry, so it is always one of the registered numbers.
  return c.json(format.body(error, requestId), error.status as 400);
}

const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: 'invalid_json',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof ZodError) return invalidRequest(error);
  if (error instanceof HTTPException) {
    // Hono's validator raises 400 only for a body it cannot parse; everything else it reports
    // through the validation hook, which throws `invalid_request` itself.
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code !== undefined) return new GatewayError(code, undefined, { cause: error });
  }
  return new GatewayError('internal', undefined, { cause: error });
}
