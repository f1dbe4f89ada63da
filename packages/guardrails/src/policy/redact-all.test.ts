import { describe, expect, it } from 'vitest';
import { guardrailsSettingsSchema } from '@aigw/guardrails/settings';
import { compilePolicy, storageRedactor } from './index.ts';

describe('storage redactor', () => {
  it('applies every span rule of the policy whatever its action, and always the credential detector', () => {
    const policy = compilePolicy(
      guardrailsSettingsSchema.parse({
        rules: [
          { id: 'flag-emails', detector: 'email', on: 'input', action: 'flag', surfaces: ['chat'] },
          { id: 'block-cards', detector: 'card', on: 'output', action: 'block', surfaces: ['search'] },
          {
            id: 'orders',
            detector: 'regex',
            pattern: 'ORD-[0-9]{6}',
            on: 'both',
            action: 'redact',
            label: 'ORDER',
          },
        ],
      }),
    );
    const redact = storageRedactor(policy);
    expect(redact('mail jane@example.com about ORD-123456, card 4111 1111 1111 1111')).toBe(
      'mail [EMAIL] about [ORDER], card [CARD]',
    );
    // With no policy at all, credentials still never reach storage.
    expect(storageRedactor(undefined)('key AKIAIOSFODNN7EXAMPLE, mail jane@example.com')).toBe(
      'key [CREDENTIAL], mail jane@example.com',
    );
    expect(redact('')).toBe('');
  });
});
