import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY, chat, startGateway, type RunningGateway } from './gateway.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = fileURLToPath(new URL('../../test-results/dashboard.png', import.meta.url));

let gateway: RunningGateway | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

async function launch(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the dashboard test drives Debian's chromium. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (playwright-core does not download browsers here).',
    );
  }
  const playwright = await import('playwright-core').catch((error: unknown) => {
    throw new Error('playwright-core is not installed: add it to the root devDependencies.', {
      cause: error,
    });
  });
  profile = await mkdtemp(join(tmpdir(), 'aigw-e2e-chromium-'));
  return playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 1000 },
  });
}

/** The dashboard's request count once it has refreshed (the tile's `data-value`). */
async function shownRequests(page: Page): Promise<number> {
  return Number(await page.getAttribute('#total-requests', 'data-value'));
}

async function chartTotal(page: Page, id: string): Promise<number> {
  return Number(await page.getAttribute(`#${id}`, 'data-total'));
}

describe('dashboard in headless chromium', () => {
  beforeAll(async () => {
    gateway = await startGateway();
    context = await launch();
  });

  afterAll(async () => {
    await context?.close();
    await gateway?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('signs in with the demo key, charts the traffic and follows new traffic', async () => {
    if (!gateway || !context) throw new Error('setup failed');
    const { url } = gateway;
    await chat(url, 'hello from the dashboard test', false);
    await chat(url, 'a streamed one', true);
    await chat(url, 'and one more', false);

    const page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    const response = await page.goto(`${url}/dashboard`);
    expect(response?.status(), 'GET /dashboard must serve the page').toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);

    await page.getByLabel('Tenant API key').fill(DEMO_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(
      () => Number(document.getElementById('total-requests')?.getAttribute('data-value') ?? 0) >= 3,
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.textContent('#tenant-name')).toContain('Acme');
    const before = await shownRequests(page);
    const tokensBefore = await chartTotal(page, 'chart-tokens');
    expect(tokensBefore).toBeGreaterThan(0);
    expect(await page.locator('#chart-requests rect').count()).toBeGreaterThan(0);
    expect(await page.locator('#models-body tr').first().textContent()).toContain('local/echo-1');
    // The key lives in this tab's sessionStorage only.
    expect(
      await page.evaluate(() => Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k))),
    ).toEqual([DEMO_KEY]);

    for (let i = 0; i < 5; i++) await chat(url, `more traffic ${i}`, i % 2 === 0);
    // The page polls every 5 s; allow a few rounds.
    await page.waitForFunction(
      (n) => Number(document.getElementById('total-requests')?.getAttribute('data-value') ?? 0) >= n,
      before + 5,
      { timeout: 20_000 },
    );
    expect(await chartTotal(page, 'chart-tokens')).toBeGreaterThan(tokensBefore);
    expect(await page.locator('#chart-latency path').count()).toBeGreaterThan(0);
    expect(failed, 'the page made no request that failed').toEqual([]);

    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
