import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gatewayAndBrowser, pageProblems } from './browser.ts';
import { DEMO_KEY } from './gateway.ts';
import { runKeys } from '../../scripts/keys/run.ts';

/** The operator key of local development (apps/gateway/wrangler.jsonc, the README). */
const DEV_OPERATOR_KEY = 'gwop_dev_only_operator_key';

/** `npm run keys -- <args> --tenant acme --url <gateway> --key <dev operator key>`, captured. */
async function cli(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runKeys(
    [...args, '--tenant', 'acme', '--url', url, '--key', DEV_OPERATOR_KEY],
    {},
    {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
    },
  );
  return { code, out, err };
}

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** GET /tenant with `key`: the status, and the key's kind when accepted. */
async function whoAmI(url: string, key: string): Promise<{ status: number; kind?: string }> {
  const res = await fetch(`${url}/tenant`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json()) as { key?: { kind: string } };
  return { status: res.status, ...(body.key ? { kind: body.key.kind } : {}) };
}

async function shownSecret(page: Page): Promise<string> {
  await page.waitForSelector('#secret:not([hidden])');
  return page.inputValue('#secret-value');
}

describe('keys page in headless chromium with no network', () => {
  const session = gatewayAndBrowser();

  it('creates a key (secret shown once, copied), lists it, rotates it and revokes it', async () => {
    const { gateway, browser } = session();
    const { url } = gateway;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = await browser.context.newPage();
    const problems = pageProblems(page);
    const response = await page.goto(`${url}/dashboard/keys`);
    expect(response?.status()).toBe(200);

    await page.getByLabel('Tenant API key').fill(DEMO_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#keys:not([hidden])');
    // The section shows at once; the tenant's name follows its own request.
    await page.waitForFunction(
      () => (document.getElementById('tenant-name')?.textContent ?? '') !== '',
      undefined,
      {
        timeout: 20_000,
      },
    );
    expect(await page.textContent('#tenant-name')).toContain('Acme');
    // The create form offers the scopes the signed-in key holds.
    const offered = await page
      .locator('input[name=scope]')
      .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(offered).toEqual(expect.arrayContaining(['chat', 'search', 'keys', 'admin']));

    await page.getByLabel('Name').fill('e2e app');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await shownSecret(page);
    expect(secret).toMatch(/^gwk_acme_rk-[0-9a-f]{12}_[0-9a-f]{32}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.waitForFunction(() => document.getElementById('secret-copied')?.textContent === 'Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(await whoAmI(url, secret)).toEqual({ status: 200, kind: 'runtime' });

    const row = page.locator('#keys-body tr', { hasText: 'e2e app' });
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await row.locator('td.mono').textContent()).toBe(
      `${secret.slice(0, secret.lastIndexOf('_') + 5)}…`,
    );
    // Done hides the secret and forgets it: nothing on the page holds it any more.
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(secret);
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'keys.png'), fullPage: true });

    // Rotate with no grace period: a new secret, the old one refused.
    await row.getByRole('button', { name: 'Rotate' }).click();
    const rotated = await shownSecret(page);
    expect(rotated).not.toBe(secret);
    expect(rotated.slice(0, rotated.lastIndexOf('_'))).toBe(secret.slice(0, secret.lastIndexOf('_')));
    expect((await whoAmI(url, secret)).status).toBe(401);
    expect((await whoAmI(url, rotated)).status).toBe(200);

    // Revoke takes a second click; then the key is refused and listed as revoked.
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Confirm revoke' }).click();
    await page.waitForSelector('#keys-body tr[data-status="revoked"]');
    expect((await whoAmI(url, rotated)).status).toBe(401);

    // A phone: the page does not scroll sideways (the table scrolls in its own box).
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    expect(browser.blocked, 'the page asked for nothing off this machine').toEqual([]);
    expect(problems).toEqual([]);
  });

  it('the operator CLI creates, revokes, suspends and resumes against the running gateway', async () => {
    const { gateway } = session();
    const { url } = gateway;
    const created = await cli(
      url,
      'create',
      '--name',
      'cli app',
      '--scopes',
      'chat',
      '--tokens-per-day',
      '100000',
    );
    expect(created.code, created.err).toBe(0);
    const key = JSON.parse(created.out) as { id: string; key: string; createdBy: string };
    expect(key.createdBy).toBe('operator');
    expect(await whoAmI(url, key.key)).toEqual({ status: 200, kind: 'runtime' });
    const listed = await cli(url, 'list');
    expect(listed.out).toContain(key.id);
    expect(listed.out).not.toContain(key.key);

    expect((await cli(url, 'revoke', '--id', key.id)).code).toBe(0);
    expect((await whoAmI(url, key.key)).status).toBe(401);

    expect((await cli(url, 'suspend')).code).toBe(0);
    expect((await whoAmI(url, DEMO_KEY)).status).toBe(403);
    expect((await cli(url, 'resume')).code).toBe(0);
    expect((await whoAmI(url, DEMO_KEY)).status).toBe(200);

    const refused = await cli(url, 'get', '--id', 'rk-000000000000');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('keys: 404 key_not_found');
  });
});
