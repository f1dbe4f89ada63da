import { describe, expect, it } from 'vitest';
import { KEYS_HTML } from './keys-page.ts';

describe('keys page', () => {
  it('loads nothing from anywhere and calls only this gateway’s tenant and key routes', () => {
    expect(KEYS_HTML.startsWith('<!doctype html>')).toBe(true);
    expect(KEYS_HTML).not.toMatch(/<script[^>]+src=/);
    expect(KEYS_HTML).not.toMatch(/<link\b|@import|url\(|https?:\/\//i);
    const calls = [...KEYS_HTML.matchAll(/api\('(GET|POST|DELETE)', '([^']+)'/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(new Set(calls)).toEqual(
      new Set(['GET /keys', 'POST /keys', 'GET /tenant', 'POST /keys/', 'DELETE /keys/']),
    );
  });

  it('labels its controls, shows the secret once with a copy button, and links the other pages', () => {
    for (const id of ['api-key', 'key-name', 'key-expiry', 'grace', 'secret-value']) {
      expect(KEYS_HTML).toContain(`<label for="${id}"`);
    }
    expect(KEYS_HTML).toContain('id="secret-copy">Copy</button>');
    expect(KEYS_HTML).toContain('shown this once');
    expect(KEYS_HTML).toContain('<a href="/dashboard/keys" aria-current="page">Keys</a>');
    expect(KEYS_HTML).toContain('<a href="/dashboard">Usage</a>');
    expect(KEYS_HTML).not.toContain('${');
  });
});
