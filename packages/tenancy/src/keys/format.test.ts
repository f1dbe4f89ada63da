import { describe, expect, it } from 'vitest';
import { generateApiKey } from './keys.ts';
import { newRuntimeKeyId, newRuntimeKeySecret, parseRuntimeKey, runtimeKeyPrefix } from './format.ts';

describe('runtime key format', () => {
  it('names its tenant and key id, and parses back', () => {
    const id = newRuntimeKeyId();
    expect(id).toMatch(/^rk-[0-9a-f]{12}$/);
    const key = newRuntimeKeySecret('acme-eu', id);
    expect(key).toMatch(/^gwk_acme-eu_rk-[0-9a-f]{12}_[0-9a-f]{32}$/);
    expect(parseRuntimeKey(key)).toEqual({ tenantId: 'acme-eu', keyId: id });
    expect(newRuntimeKeySecret('acme-eu', id)).not.toBe(key);
  });

  it('does not take config keys or near misses for runtime keys', () => {
    expect(parseRuntimeKey(generateApiKey('acme'))).toBeUndefined();
    expect(parseRuntimeKey('gwk_demo_acme')).toBeUndefined();
    expect(parseRuntimeKey(`gwk_acme_rk-0123456789ab_${'a'.repeat(31)}`)).toBeUndefined();
    expect(parseRuntimeKey(`gwk_Acme_rk-0123456789ab_${'a'.repeat(32)}`)).toBeUndefined();
    expect(parseRuntimeKey(` gwk_acme_rk-0123456789ab_${'a'.repeat(32)}`)).toBeUndefined();
  });

  it('shows a prefix with 4 hex digits of the secret, never more', () => {
    const key = `gwk_acme_rk-0123456789ab_abcd${'0'.repeat(28)}`;
    expect(runtimeKeyPrefix(key)).toBe('gwk_acme_rk-0123456789ab_abcd…');
  });
});
