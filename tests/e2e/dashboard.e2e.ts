import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gatewayAndBrowser, pageProblems } from './browser.ts';
import { DEMO_KEY, chat } from './gateway.ts';

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const CHARTS = ['chart-requests', 'chart-tokens', 'chart-latency', 'chart-cost', 'chart-cache'];

/** The dashboard's request count once it has refreshed (the tile's `data-value`). */
async function shownRequests(page: Page): Promise<number> {
  return Number(await page.getAttribute('#total-requests', 'data-value'));
}

async function chartTotal(page: Page, id: string): Promise<number> {
  return Number(await page.getAttribute(`#${id}`, 'data-total'));
}

/** A chat the demo tenant may not make: refused (model_not_allowed) before any model is chosen. */
async function refusedChat(url: string): Promise<void> {
  const res = await fetch(`${url}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'no', model: 'local/not-allowed' }),
  });
  await res.text();
  expect(res.status).toBe(400);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  const path = join(RESULTS, name);
  await page.screenshot({ path, fullPage: true });
  expect(existsSync(path)).toBe(true);
}

describe('dashboard in headless chromium with no network', () => {
  const session = gatewayAndBrowser();

  it('signs in, charts the traffic with Chart.js, follows new traffic and reads well at 375 px', async () => {
    const { gateway, browser } = session();
    const { url } = gateway;
    // The demo policy redacts the address: one guardrail decision for the dashboard to show.
    await chat(url, 'hello from the dashboard test, write to jane@example.com', false);
    await chat(url, 'a streamed one', true);
    await chat(url, 'and one more', false);
    await refusedChat(url);
    // Two users through the demo A/B route: each lands on its branch of demo-ab.
    await chat(url, 'routed for ann', false, { model: 'demo-ab', user: 'ann' });
    await chat(url, 'routed for bob', false, { model: 'demo-ab', user: 'bob' });

    const page = await browser.context.newPage();
    const problems = pageProblems(page);
    // Records the font of every text drawn on each canvas, by canvas id.
    await page.addInitScript(() => {
      const fonts: Record<string, string[]> = {};
      (window as unknown as { drawnFonts: typeof fonts }).drawnFonts = fonts;
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the context as `this`
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, ...args) {
        (fonts[this.canvas.id] ??= []).push(this.font);
        fillText.apply(this, args);
      };
    });
    const response = await page.goto(`${url}/dashboard`);
    expect(response?.status(), 'GET /dashboard must serve the page').toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);

    await page.getByLabel('Tenant API key').fill(DEMO_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(
      () => Number(document.getElementById('total-requests')?.getAttribute('data-value') ?? 0) >= 6,
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.textContent('#tenant-name')).toContain('Acme');
    // The page's own polling is not usage: five chats and one refusal, however often it refreshed.
    await page.waitForFunction(
      () => Number(document.getElementById('dashboard')?.getAttribute('data-updates') ?? 0) >= 2,
      undefined,
      { timeout: 20_000 },
    );
    const before = await shownRequests(page);
    expect(before).toBe(6);
    const tokensBefore = await chartTotal(page, 'chart-tokens');
    expect(tokensBefore).toBeGreaterThan(0);

    // The models table: the model, the refusals under their own name, no "(none)" catch-all.
    const rows = (await page.locator('#models-body tr th').allTextContents()).map((t) => t.trim());
    expect(rows[0]).toBe('local/echo-1');
    expect(rows).toContain('refused before routing');
    expect(rows).not.toContain('(none)');
    expect(await page.textContent('#error-codes')).toContain('model_not_allowed: 1');
    // The guardrail decisions table: acme's email rule redacted the address on input.
    const guardrailRows = await page.locator('#guardrails-body tr').allTextContents();
    expect(guardrailRows).toEqual(['redact-emailsredact1']);

    // The route branches table: the A/B's requests under their branches, nothing else.
    const branches = (await page.locator('#branches-body tr th').allTextContents()).map((t) => t.trim());
    expect(branches.length).toBeGreaterThan(0);
    expect(branches.every((branch) => /^demo-ab@1\/[ab]$/.test(branch))).toBe(true);
    const routed = await page.locator('#branches-body tr td:nth-child(2)').allTextContents();
    expect(routed.reduce((sum, cell) => sum + Number(cell), 0)).toBe(2);

    // The key lives in this tab's sessionStorage only.
    expect(
      await page.evaluate(() => Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k))),
    ).toEqual([DEMO_KEY]);

    // Every chart is a Chart.js canvas with ink on it, drawn at CSS size (not scaled down), and
    // every text it drew (ticks, legends) was at least 11 px: the fonts are read off the canvas
    // calls themselves (recorded by the init script below), not from the options.
    const charts = await page.evaluate((ids) => {
      const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
      return ids.map((id) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const pixels =
          canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ??
          new Uint8ClampedArray();
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++;
        const fonts = (window as unknown as { drawnFonts: Record<string, string[]> }).drawnFonts[id] ?? [];
        const sizes = fonts.map((font) => Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 0));
        return {
          id,
          isChart: Chart.getChart(canvas) !== undefined,
          inked,
          scale: canvas.width / canvas.clientWidth / window.devicePixelRatio,
          texts: sizes.length,
          minFont: Math.min(...sizes),
        };
      });
    }, CHARTS);
    for (const chart of charts) {
      expect(chart.isChart, chart.id).toBe(true);
      expect(chart.inked, `${chart.id} is not blank`).toBeGreaterThan(500);
      expect(chart.scale, `${chart.id} is drawn at its CSS size`).toBeCloseTo(1, 1);
      expect(chart.texts, `${chart.id} drew its axes`).toBeGreaterThan(3);
      expect(chart.minFont, `${chart.id} text size`).toBeGreaterThanOrEqual(11);
    }
    // Every piece of HTML text is at least 11 px too.
    const smallest = await page.evaluate(() =>
      Math.min(
        ...Array.from(document.querySelectorAll('body *'))
          .filter((el) => el.childNodes.length > 0 && (el as HTMLElement).offsetParent !== null)
          .filter((el) =>
            Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? '').trim()),
          )
          .map((el) => parseFloat(getComputedStyle(el).fontSize)),
      ),
    );
    expect(smallest).toBeGreaterThanOrEqual(11);

    // Hovering a chart shows a tooltip with that minute's figures.
    const box = await page.locator('#chart-tokens').boundingBox();
    if (!box) throw new Error('no chart box');
    await page.mouse.move(box.x + box.width - 30, box.y + box.height / 2);
    const tooltip = await page.evaluate(() => {
      const Chart = (
        window as unknown as {
          Chart: { getChart(id: string): { tooltip: { getActiveElements(): unknown[] } } | undefined };
        }
      ).Chart;
      return Chart.getChart('chart-tokens')?.tooltip.getActiveElements().length ?? 0;
    });
    expect(tooltip).toBeGreaterThan(0);
    await page.mouse.move(0, 0);

    for (let i = 0; i < 5; i++) await chat(url, `more traffic ${i}`, i % 2 === 0);
    // The page polls every 5 s; allow a few rounds.
    await page.waitForFunction(
      (n) => Number(document.getElementById('total-requests')?.getAttribute('data-value') ?? 0) >= n,
      before + 5,
      { timeout: 20_000 },
    );
    expect(await chartTotal(page, 'chart-tokens')).toBeGreaterThan(tokensBefore);
    await screenshot(page, 'dashboard.png');

    // A phone: the page does not scroll sideways, and no table cell wraps (the table scrolls).
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(300);
    const narrow = await page.evaluate(() => {
      const cells = Array.from(document.querySelectorAll('#models-body th, #models-body td, thead th'));
      const wrapped = cells
        .filter((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1;
        })
        .map((cell) => cell.textContent);
      return {
        pageWidth: document.documentElement.scrollWidth,
        wrapped,
        cells: cells.length,
        chartWidth: document.getElementById('chart-requests')?.clientWidth ?? 0,
      };
    });
    expect(narrow.cells).toBeGreaterThan(6);
    expect(narrow.wrapped).toEqual([]);
    expect(narrow.pageWidth).toBeLessThanOrEqual(375);
    expect(narrow.chartWidth).toBeGreaterThan(250);
    await screenshot(page, 'dashboard-375.png');

    expect(browser.blocked, 'the page asked for nothing off this machine').toEqual([]);
    expect(problems).toEqual([]);
  });
});
