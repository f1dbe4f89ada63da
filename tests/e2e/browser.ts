// Debian's chromium driven by playwright-core (a test tool's own browser download cannot work on
// these machines), with the network cut off: every request that is not to this machine is aborted
// and remembered, so a page that still reaches for a CDN fails its test instead of passing on a
// machine that happens to be online.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startGateway, type RunningGateway } from './gateway.ts';

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

export interface OfflineBrowser {
  context: BrowserContext;
  /** Every request the pages tried to send off this machine (all of them were aborted). */
  blocked: string[];
  close: () => Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  // data: and blob: URLs never leave the page.
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return LOCAL_HOSTS.has(hostname);
}

export async function launchOffline(): Promise<OfflineBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser tests drive Debian's chromium. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (playwright-core does not download browsers here).',
    );
  }
  const playwright = await import('playwright-core').catch((error: unknown) => {
    throw new Error('playwright-core is not installed: add it to the root devDependencies.', {
      cause: error,
    });
  });
  const profile = await mkdtemp(join(tmpdir(), 'aigw-e2e-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 1000 },
  });
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocal(url)) {
      await route.continue();
      return;
    }
    blocked.push(url);
    await route.abort('internetdisconnected');
  });
  return {
    context,
    blocked,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Collects what the page reports as broken: script errors and Content-Security-Policy refusals. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/**
 * The gateway (`npm run dev`'s Worker) and an offline browser for one `describe` block: started
 * before its tests, stopped after them. Call the returned function inside a test for both.
 */
export function gatewayAndBrowser(): () => {
  gateway: RunningGateway;
  browser: OfflineBrowser;
} {
  let gateway: RunningGateway | undefined;
  let browser: OfflineBrowser | undefined;
  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchOffline();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });
  return () => {
    if (!gateway || !browser) throw new Error('setup failed');
    return { gateway, browser };
  };
}
