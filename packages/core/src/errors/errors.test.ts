import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES, errorCodes } from './codes.ts';
import { toNativeErrorBody, toOpenAIErrorBody } from './envelope.ts';
import { GatewayError } from './gateway-error.ts';
import { invalidRequest } from './zod.ts';

describe('error registry', () => {
  it('classes 5xx codes as system errors and 4xx as user errors', () => {
    for (const code of errorCodes) {
      const spec = ERROR_CODES[code];
      expect(spec.kind, code).toBe(spec.status >= 500 ? 'system' : 'user');
    }
  });

  it('takes status and kind from the registry', () => {
    const error = new GatewayError('tenant_suspended');
    expect(error.status).toBe(403);
    expect(error.kind).toBe('user');
    expect(error.message).toBe(ERROR_CODES.tenant_suspended.message);
  });
});

describe('invalidRequest', () => {
  const schema = z.object({ message: z.string(), options: z.object({ temperature: z.number().max(2) }) });

  it('keeps every issue path and builds the message from the issues', () => {
    const parsed = schema.safeParse({ options: { temperature: 5 } });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const error = invalidRequest(parsed.error);
    expect(error.code).toBe('invalid_request');
    expect(error.details?.issues?.map((issue) => issue.path)).toEqual([
      ['message'],
      ['options', 'temperature'],
    ]);
    expect(error.message).toMatch(/^Invalid request body: message: .+; options\.temperature: /);
  });

  it('renders the first issue path as OpenAI `param`', () => {
    const parsed = schema.safeParse({ message: 'x', options: { temperature: 9 } });
    if (parsed.success) throw new Error('expected failure');
    const body = toOpenAIErrorBody(invalidRequest(parsed.error));
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'options.temperature',
      code: 'invalid_request',
    });
  });

  it('renders the native envelope with details only when present', () => {
    expect(toNativeErrorBody(new GatewayError('not_found'), 'req_1')).toEqual({
      error: { code: 'not_found', message: ERROR_CODES.not_found.message },
      requestId: 'req_1',
    });
  });
});
