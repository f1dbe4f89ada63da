import { describe, expect, it } from 'vitest';
import { VENDOR_PATHS } from '../generated/assets.ts';
import { DASHBOARD_HTML } from './page.ts';

describe('dashboard page', () => {
  it('loads scripts only from this Worker and nothing else from anywhere', () => {
    expect(DASHBOARD_HTML.startsWith('<!doctype html>')).toBe(true);
    const sources = [...DASHBOARD_HTML.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual([VENDOR_PATHS.chartJs]);
    expect(DASHBOARD_HTML).not.toMatch(/<link\b/i);
    expect(DASHBOARD_HTML).not.toMatch(/@import|url\(/i);
    expect(DASHBOARD_HTML).not.toMatch(/https?:\/\//);
  });

  it('calls only this gateway’s tenant and series routes', () => {
    expect(DASHBOARD_HTML).toContain("api('/tenant')");
    expect(DASHBOARD_HTML).toContain("'/tenant/usage/series' + query");
    expect(DASHBOARD_HTML).toContain('granularity=minute&groupBy=');
    expect(DASHBOARD_HTML).toContain("query + 'model'");
    expect(DASHBOARD_HTML).toContain("query + 'branch'");
  });

  it('labels its controls, names its charts and links the other pages', () => {
    expect(DASHBOARD_HTML).toContain('<label for="api-key">');
    expect(DASHBOARD_HTML).toContain('<label for="window">');
    expect(DASHBOARD_HTML.match(/<canvas id="chart-[a-z]+" role="img" aria-labelledby=/g)).toHaveLength(5);
    expect(DASHBOARD_HTML).toContain('<html lang="en">');
    expect(DASHBOARD_HTML).toContain('<a href="/dashboard" aria-current="page">Usage</a>');
    expect(DASHBOARD_HTML).toContain('<a href="/docs">');
  });

  it('keeps the interpolated script free of template leftovers', () => {
    expect(DASHBOARD_HTML).not.toContain('${');
    expect(DASHBOARD_HTML).toContain('var REFRESH_MS = 5000;');
    expect(DASHBOARD_HTML).toContain('Chart.defaults.font.size = 12;');
  });
});
