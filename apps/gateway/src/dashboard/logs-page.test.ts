import { describe, expect, it } from 'vitest';
import { LOG_FILTERS } from './logs-client.ts';
import { LOGS_HTML } from './logs-page.ts';

describe('request log page', () => {
  it('loads nothing from anywhere and calls only this gateway’s tenant and log routes', () => {
    expect(LOGS_HTML.startsWith('<!doctype html>')).toBe(true);
    expect(LOGS_HTML).not.toMatch(/<script[^>]+src=/);
    expect(LOGS_HTML).not.toMatch(/<link\b|@import|https?:\/\//i);
    // CSS url(…) (case-sensitive: the CSV download's URL.createObjectURL is a blob of this page).
    expect(LOGS_HTML).not.toMatch(/\burl\(/);
    const calls = [...LOGS_HTML.matchAll(/api\('(GET|POST|DELETE)', '([^']+)'/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(new Set(calls)).toEqual(
      new Set(['GET /tenant', 'GET /v1/logs/', 'POST /v1/logs/', 'GET /v1/logs?format=csv']),
    );
    expect(LOGS_HTML).toContain("var path = '/v1/logs?limit=50'");
  });

  it('labels every filter, names the timeline and links the other pages', () => {
    expect(LOGS_HTML).toContain('<label for="api-key">');
    for (const name of LOG_FILTERS)
      expect(LOGS_HTML, name).toMatch(
        new RegExp(`<input id="f-[a-z]+" name="${name}"|<select id="f-[a-z]+" name="${name}"`),
      );
    expect(LOGS_HTML.match(/<label for="f-[a-z]+">/g)).toHaveLength(LOG_FILTERS.length);
    expect(LOGS_HTML).toContain('aria-label="Attempts and tool calls over the request\'s duration"');
    expect(LOGS_HTML).toContain('<a href="/dashboard/logs" aria-current="page">Requests</a>');
    expect(LOGS_HTML).toContain('<a href="/dashboard">Usage</a>');
    expect(LOGS_HTML).not.toContain('${');
  });
});
