/**
 * The one registry of error codes. Every error the gateway returns has a code listed here; the
 * code decides the HTTP status, whether it is the caller's fault (`user`) or ours (`system`), and
 * the `type` OpenAI SDKs expect on `/v1/*` routes. Adding a code here is the only step needed for
 * it to render correctly everywhere; `docs/errors.md` is checked against this table by a test.
 */
export type ErrorKind = 'user' | 'system';

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error';

export interface ErrorSpec {
  readonly status: number;
  readonly kind: ErrorKind;
  readonly openaiType: OpenAIErrorType;
  /** Default message, used when the thrower gives none. */
  readonly message: string;
}

export const ERROR_CODES = {
  invalid_json: {
    status: 400,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'The request body is not valid JSON.',
  },
  invalid_request: {
    status: 400,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'The request does not match the expected schema.',
  },
  model_not_allowed: {
    status: 400,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: "The requested model is not in this tenant's allow-list.",
  },
  unsupported_parameter: {
    status: 400,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'The model this request routes to cannot honour one of its parameters.',
  },
  feature_disabled: {
    status: 403,
    kind: 'user',
    openaiType: 'permission_error',
    message: 'This feature is not enabled for the tenant.',
  },
  session_busy: {
    status: 409,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'Another turn is in progress on this session; retry when it finishes.',
  },
  embedding_mismatch: {
    status: 409,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: "The index was built with a different embedder or dimension than the tenant's current one.",
  },
  index_full: {
    status: 409,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: "The tenant's search index is at its size limit (rag.maxChunks); delete documents or raise it.",
  },
  rate_limited: {
    status: 429,
    kind: 'user',
    openaiType: 'rate_limit_error',
    message: 'Rate limit exceeded; retry after the time in Retry-After.',
  },
  budget_exceeded: {
    status: 429,
    kind: 'user',
    openaiType: 'rate_limit_error',
    message: "The tenant's token or spend budget for this window is used up.",
  },
  guardrail_blocked: {
    status: 400,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: "A guardrail rule of the tenant's policy blocked this request or its answer.",
  },
  invalid_tool_arguments: {
    status: 400,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: "The tool arguments do not match the tool's schema.",
  },
  missing_api_key: {
    status: 401,
    kind: 'user',
    openaiType: 'authentication_error',
    message: 'No API key was sent. Use "Authorization: Bearer <key>" or "x-api-key: <key>".',
  },
  invalid_api_key: {
    status: 401,
    kind: 'user',
    openaiType: 'authentication_error',
    message: 'The API key is unknown, disabled or expired.',
  },
  tenant_suspended: {
    status: 403,
    kind: 'user',
    openaiType: 'permission_error',
    message: 'This tenant is suspended.',
  },
  region_unavailable: {
    status: 403,
    kind: 'user',
    openaiType: 'permission_error',
    message: 'The model this request routes to is outside the region the tenant (or route) must stay in.',
  },
  tenant_mismatch: {
    status: 403,
    kind: 'user',
    openaiType: 'permission_error',
    message: 'The request names a different tenant than the API key belongs to.',
  },
  insufficient_scope: {
    status: 403,
    kind: 'user',
    openaiType: 'permission_error',
    message: 'The API key lacks the scope this route needs.',
  },
  key_not_found: {
    status: 404,
    kind: 'user',
    openaiType: 'not_found_error',
    // The same answer for another tenant's key as for none at all: a 403 would confirm it exists.
    message: 'No runtime API key with this id exists for this tenant.',
  },
  tenant_not_found: {
    status: 404,
    kind: 'user',
    openaiType: 'not_found_error',
    message: 'No tenant with this id exists in this environment.',
  },
  key_conflict: {
    status: 409,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message:
      "The key's state conflicts with this change (revoked, or a rotation's grace period still running).",
  },
  not_found: {
    status: 404,
    kind: 'user',
    openaiType: 'not_found_error',
    message: 'No route matches this path.',
  },
  model_not_found: {
    status: 404,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'The model does not exist or this key may not use it.',
  },
  method_not_allowed: {
    status: 405,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'This route does not accept that HTTP method.',
  },
  payload_too_large: {
    status: 413,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'The request body exceeds the size limit.',
  },
  unsupported_media_type: {
    status: 415,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'Send the body as JSON with "Content-Type: application/json".',
  },
  client_closed: {
    // nginx's "client closed request": what the log line and usage record say, never a client.
    status: 499,
    kind: 'user',
    openaiType: 'invalid_request_error',
    message: 'The client closed the connection before the answer started.',
  },
  upstream_error: {
    status: 502,
    kind: 'system',
    openaiType: 'api_error',
    message: 'The model provider failed and no fallback succeeded.',
  },
  provider_unavailable: {
    status: 503,
    kind: 'system',
    openaiType: 'api_error',
    message: 'The model provider is not available in this environment.',
  },
  control_plane_unavailable: {
    status: 503,
    kind: 'system',
    openaiType: 'api_error',
    message: 'Runtime API keys cannot be checked right now; retry shortly.',
  },
  upstream_timeout: {
    status: 504,
    kind: 'system',
    openaiType: 'api_error',
    message: 'The model provider did not answer in time.',
  },
  tool_timeout: {
    status: 504,
    kind: 'system',
    openaiType: 'api_error',
    message: 'The tool did not finish in time.',
  },
  tool_failed: {
    status: 502,
    kind: 'system',
    openaiType: 'api_error',
    message: 'The tool failed.',
  },
  internal: {
    status: 500,
    kind: 'system',
    openaiType: 'api_error',
    message: 'An unexpected error occurred. Quote the request id when reporting it.',
  },
  misconfigured: {
    status: 500,
    kind: 'system',
    openaiType: 'api_error',
    message: 'The gateway is misconfigured for this environment.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const errorCodes = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
