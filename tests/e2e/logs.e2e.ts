import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gatewayAndBrowser, pageProblems } from './browser.ts';
import { DEMO_KEY, chat } from './gateway.ts';

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

interface Entry {
  id: string;
  status: number;
  user: string | null;
  feedback: { score: number; comment: string | null } | null;
}

/** `GET /v1/logs` with the demo key: every entry matching `query`, across pages. */
async function logIds(url: string, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(
      `${url}/v1/logs?limit=200${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: { authorization: `Bearer ${DEMO_KEY}` } },
    );
    const page = (await res.json()) as { data: Entry[]; nextCursor: string | null };
    ids.push(...page.data.map((e) => e.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

async function entry(url: string, id: string): Promise<Entry> {
  const res = await fetch(`${url}/v1/logs/${id}`, { headers: { authorization: `Bearer ${DEMO_KEY}` } });
  return (await res.json()) as Entry;
}

/** Waits until the log holds `count` entries (they are written just after each response). */
async function logged(url: string, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await logIds(url, '')).length >= count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the log never reached ${count} entries`);
}

/** The page's table rows (entry ids), once a load newer than `after` has finished. */
async function rowsAfter(page: Page, after: number): Promise<string[]> {
  await page.waitForFunction(
    (n) => Number(document.getElementById('logs')?.getAttribute('data-loads') ?? 0) > n,
    after,
    { timeout: 20_000 },
  );
  return page
    .locator('#entries-body tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-entry-id') ?? ''));
}

const loads = async (page: Page): Promise<number> =>
  Number((await page.getAttribute('#logs', 'data-loads')) ?? 0);

describe('request log page in headless chromium with no network', () => {
  const session = gatewayAndBrowser();

  it('goes from a usage chart to that minute’s requests, filters them, shows an entry’s timeline and bodies, takes feedback and pages', async () => {
    const { gateway, browser } = session();
    const { url } = gateway;
    await chat(url, 'hello from the log test, write to jane@example.com', false, { user: 'ann' });
    await chat(url, 'a streamed one for the log', true);
    const refused = await fetch(`${url}/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'no', model: 'local/not-allowed' }),
    });
    expect(refused.status).toBe(400);
    await logged(url, 3);

    const page = await browser.context.newPage();
    const problems = pageProblems(page);
    expect((await page.goto(`${url}/dashboard`))?.status()).toBe(200);
    await page.getByLabel('Tenant API key').fill(DEMO_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(
      () => Number(document.getElementById('total-requests')?.getAttribute('data-value') ?? 0) >= 3,
      undefined,
      { timeout: 20_000 },
    );

    // Click the busiest minute of the requests chart: the log opens on that minute.
    const bar = await page.evaluate(() => {
      const Chart = (
        window as unknown as {
          Chart: {
            getChart(id: string):
              | {
                  data: { datasets: { data: number[] }[] };
                  getDatasetMeta(i: number): { data: { x: number }[] };
                  chartArea: { top: number; bottom: number };
                }
              | undefined;
          };
        }
      ).Chart;
      const chart = Chart.getChart('chart-requests');
      if (!chart) return null;
      const totals = (chart.data.datasets[0]?.data ?? []).map(
        (ok, i) => ok + (chart.data.datasets[1]?.data[i] ?? 0),
      );
      const index = totals.indexOf(Math.max(...totals));
      return {
        x: chart.getDatasetMeta(0).data[index]?.x ?? 0,
        y: (chart.chartArea.top + chart.chartArea.bottom) / 2,
      };
    });
    if (!bar) throw new Error('no requests chart');
    const box = await page.locator('#chart-requests').boundingBox();
    if (!box) throw new Error('no chart box');
    await page.mouse.click(box.x + bar.x, box.y + bar.y);
    await page.waitForURL(/\/dashboard\/logs\?from=/);
    const link = new URL(page.url());
    const from = link.searchParams.get('from') ?? '';
    const to = link.searchParams.get('to') ?? '';
    expect(Date.parse(to) - Date.parse(from)).toBe(60_000);
    // Still signed in (the key is the tab's), and the filters are the minute's.
    expect(await page.inputValue('#f-from')).not.toBe('');
    const windowRows = await rowsAfter(page, 0);
    expect(windowRows.length).toBeGreaterThan(0);
    expect(windowRows).toEqual(
      await logIds(url, `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
    );

    // Filters: errors only, then one user.
    await page.getByRole('button', { name: 'Clear' }).click();
    const all = await rowsAfter(page, 1);
    expect(all).toEqual(await logIds(url, ''));
    expect(all).toHaveLength(3);
    let seen = await loads(page);
    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Apply' }).click();
    const errors = await rowsAfter(page, seen);
    expect(errors).toHaveLength(1);
    const errorRow = page.locator('#entries-body tr').first();
    expect(await errorRow.getAttribute('data-error')).toBe('true');
    expect(await errorRow.locator('td.status').textContent()).toBe('400 model_not_allowed');

    seen = await loads(page);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('User').fill('ann');
    await page.getByRole('button', { name: 'Apply' }).click();
    const ann = await rowsAfter(page, seen);
    expect(ann).toHaveLength(1);
    const annId = ann[0] ?? '';

    // The entry: its facts, its one attempt on the timeline, its bodies (acme keeps them) redacted.
    await page.getByRole('button', { name: `View request ${annId}` }).click();
    await page.waitForSelector('#entry:not([hidden])');
    expect(await page.textContent('#entry-facts')).toContain(annId);
    const lanes = page.locator('#timeline .lane');
    expect(await lanes.count()).toBe(1);
    expect(await lanes.first().textContent()).toContain('local/echo-1 #1');
    expect(await lanes.locator('.bar').first().getAttribute('data-outcome')).toBe('ok');
    const bodies = (await page.textContent('#entry-bodies')) ?? '';
    expect(bodies).toContain('Request body');
    expect(bodies).toContain('[EMAIL]');
    expect(bodies).not.toContain('jane@example.com');
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'logs.png'), fullPage: true });

    await page.getByLabel('Feedback').selectOption('-1');
    await page.getByLabel('Comment').fill('wrong answer');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.waitForFunction(() =>
      (document.getElementById('feedback-status')?.textContent ?? '').startsWith('Thank you'),
    );
    expect((await entry(url, annId)).feedback).toMatchObject({ score: -1, comment: 'wrong answer' });

    // Past one page (50 rows): "Load more" brings the rest, in the API's order.
    for (let i = 0; i < 50; i += 5) {
      await Promise.all(Array.from({ length: 5 }, (_, j) => chat(url, `page filler ${i + j}`, false)));
    }
    await logged(url, 53);
    seen = await loads(page);
    await page.getByRole('button', { name: 'Clear' }).click();
    expect(await rowsAfter(page, seen)).toHaveLength(50);
    expect(await page.isVisible('#more')).toBe(true);
    seen = await loads(page);
    await page.getByRole('button', { name: 'Load more' }).click();
    expect(await rowsAfter(page, seen)).toEqual(await logIds(url, ''));
    expect(await page.isVisible('#more')).toBe(false);

    // No filter field runs into another (a date-time input's own width overflowing its cell).
    const overlaps = await page.evaluate(() => {
      const boxes = Array.from(document.querySelectorAll('#filters input, #filters select')).map((el) => ({
        name: el.getAttribute('name') ?? '',
        r: el.getBoundingClientRect(),
      }));
      const hit: string[] = [];
      for (const a of boxes)
        for (const b of boxes)
          if (
            a.name < b.name &&
            a.r.left < b.r.right - 1 &&
            b.r.left < a.r.right - 1 &&
            a.r.top < b.r.bottom - 1 &&
            b.r.top < a.r.bottom - 1
          )
            hit.push(`${a.name}/${b.name}`);
      return hit;
    });
    expect(overlaps).toEqual([]);

    // A phone: the page does not scroll sideways (the table scrolls in its own box).
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    expect(browser.blocked, 'the page asked for nothing off this machine').toEqual([]);
    expect(problems).toEqual([]);
  });
});
