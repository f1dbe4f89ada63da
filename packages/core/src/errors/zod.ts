import type { z } from 'zod';
import { GatewayError, type ValidationIssue } from './gateway-error.ts';

/** Zod issues as data, keeping each issue's path so a client can point at the exact field. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    code: issue.code,
    message: issue.message,
  }));
}

/** A schema failure as the `invalid_request` error; the message is produced from the issues. */
export function invalidRequest(error: z.ZodError, where = 'body'): GatewayError {
  const issues = toValidationIssues(error);
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : where}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new GatewayError('invalid_request', `Invalid request ${where}: ${summary}${more}`, {
    details: { issues },
  });
}
