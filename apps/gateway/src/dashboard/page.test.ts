import { describe, expect, it } from 'vitest';
import { DASHBOARD_HTML } from './page.ts';

describe('dashboard page', () => {
  it('is one self-contained document: no external scripts, styles, fonts or images', () => {
    expect(DASHBOARD_HTML.startsWith('<!doctype html>')).toBe(true);
    expect(DASHBOARD_HTML).not.toMatch(/<script[^>]+src=/i);
    expect(DASHBOARD_HTML).not.toMatch(/<link\b/i);
    expect(DASHBOARD_HTML).not.toMatch(/@import|url\(/i);
    // The only absolute URL is the SVG namespace, which is an identifier, not a request.
    const urls = DASHBOARD_HTML.match(/https?:\/\/[^\s'"]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('calls only this gateway’s tenant and series routes', () => {
    expect(DASHBOARD_HTML).toContain("api('/tenant')");
    expect(DASHBOARD_HTML).toContain("'/tenant/usage/series' + query");
    expect(DASHBOARD_HTML).toContain('granularity=minute&groupBy=model');
  });

  it('labels its controls and names its charts', () => {
    expect(DASHBOARD_HTML).toContain('<label for="api-key">');
    expect(DASHBOARD_HTML).toContain('<label for="window">');
    expect(DASHBOARD_HTML.match(/<svg class="chart"[^>]*role="img"[^>]*aria-labelledby=/g)).toHaveLength(5);
    expect(DASHBOARD_HTML).toContain('<html lang="en">');
  });

  it('keeps the interpolated script free of template leftovers', () => {
    expect(DASHBOARD_HTML).not.toContain('${');
    expect(DASHBOARD_HTML).toContain('var REFRESH_MS = 5000;');
  });
});
