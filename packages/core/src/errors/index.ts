export { ERROR_CODES, errorCodes, isErrorCode } from './codes.ts';
export type { ErrorCode, ErrorKind, ErrorSpec, OpenAIErrorType } from './codes.ts';
export { GatewayError, isGatewayError } from './gateway-error.ts';
export type { GatewayErrorDetails, GatewayErrorOptions, ValidationIssue } from './gateway-error.ts';
export { toNativeErrorBody, toOpenAIErrorBody } from './envelope.ts';
export type { NativeErrorBody, OpenAIErrorBody } from './envelope.ts';
export { invalidRequest, toValidationIssues } from './zod.ts';
