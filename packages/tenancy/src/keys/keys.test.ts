import { describe, expect, it } from 'vitest';
import { extractCredential, generateApiKey, hashApiKey } from './keys.ts';

describe('API keys', () => {
  it('hashes with SHA-256 (lower-case hex)', async () => {
    // sha256("gwk_demo_acme"), computed independently with `sha256sum`.
    expect(await hashApiKey('gwk_demo_acme')).toBe(
      '8d5fbe73c3be2969b278f412598f7b94c80bf1ea4bfd0d300d93b502e037432b',
    );
  });

  it('generates distinct keys carrying the tenant id', () => {
    const a = generateApiKey('acme');
    expect(a).toMatch(/^gwk_acme_[0-9a-f]{32}$/);
    expect(generateApiKey('acme')).not.toBe(a);
  });

  it('reads Bearer first, then x-api-key', () => {
    expect(extractCredential(new Headers({ authorization: 'Bearer abc', 'x-api-key': 'xyz' }))).toBe('abc');
    expect(extractCredential(new Headers({ authorization: 'bearer   abc  ' }))).toBe('abc');
    expect(extractCredential(new Headers({ 'x-api-key': 'xyz' }))).toBe('xyz');
    expect(extractCredential(new Headers({ authorization: 'Basic abc' }))).toBeUndefined();
    expect(extractCredential(new Headers())).toBeUndefined();
  });
});
