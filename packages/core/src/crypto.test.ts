import { describe, expect, it } from 'vitest';
import { constantTimeEqual, newId, sha256Hex } from './crypto.ts';

describe('crypto helpers', () => {
  it('computes SHA-256 of UTF-8 text', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // UTF-8 bytes c3 a9, not the UTF-16 code unit; value from `printf 'é' | sha256sum`.
    expect(await sha256Hex('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it('makes prefixed random ids', () => {
    const a = newId('req');
    expect(a).toMatch(/^req_[0-9a-f]{32}$/);
    expect(newId('req')).not.toBe(a);
  });

  it('compares strings without an early exit, by content and length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
