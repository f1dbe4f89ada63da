export { ERROR_CODES, errorCodes, isErrorCode } from './codes.ts';
export type { ErrorCode, ErrorKind, ErrorSpec, OpenAIErrorType } from './codes.ts';
export { GatewayError, isGatewayError } from './gateway-error.ts';
export type { GatewayErrorDetails, GatewayErrorOptions, ValidationIssue } from './gateway-error.ts';
export { toAnthropicErrorBody, toNativeErrorBody, toOpenAIErrorBody } from './envelope.ts';
export type { AnthropicErrorBody, AnthropicErrorType, NativeErrorBody, OpenAIErrorBody } from './envelope.ts';
export { invalidRequest, invalidRequestFrom, toValidationIssues } from './zod.ts';
export { formatPath } from './path.ts';
export type { IssueOptions } from './zod.ts';
