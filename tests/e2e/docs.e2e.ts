import { describe, expect, it } from 'vitest';
import { gatewayAndBrowser, pageProblems } from './browser.ts';

describe('/docs in headless chromium with no network', () => {
  const session = gatewayAndBrowser();

  it('renders the API reference from this Worker alone and lists its operations', async () => {
    const { gateway, browser } = session();
    const { url } = gateway;
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(operations).toBeGreaterThan(10);

    const page = await browser.context.newPage();
    const problems = pageProblems(page);
    const response = await page.goto(`${url}/docs`);
    expect(response?.status()).toBe(200);
    // Swagger UI renders one block per operation once it has loaded the document.
    await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
    const paths = await page.locator('.opblock-summary-path').allTextContents();
    expect(paths.length).toBe(operations);
    expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/chat', '/v1/chat/completions', '/tenant/usage/series']),
    );
    expect(await page.textContent('.info .title')).toContain('AI gateway');
    expect(browser.blocked, 'the page asked for nothing off this machine').toEqual([]);
    expect(problems).toEqual([]);
  });
});
