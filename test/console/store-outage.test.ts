import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { assertPrerequisites, BROWSER_TEST_TIMEOUT, haveChromium, launchChromium, openConsole, signIn, storage, type ConsoleTab } from './browser.js';

const HAVE_CHROMIUM = haveChromium('the console store-outage test in a real browser');

// A private redis-server (AOF on, so a restart keeps the admin token) that this file stops by PID.
let redis: RedisServer;
let gw: TestGateway;
let browser: Browser;
let tab: ConsoleTab;

beforeAll(async () => {
  assertPrerequisites();
  redis = await startRedisServer({ save: true });
  gw = await startTestGateway({ store: { url: redis.url } });
  expect((await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP One', scopes: ['reporting'] })).status).toBe(201);
  expect((await gw.admin('POST', '/apps/rp1/tokens', { name: 'existing', scopes: ['reporting'] })).status).toBe(201);
  browser = await launchChromium();
  tab = await openConsole(browser, gw.adminUrl);
});

afterAll(async () => {
  await tab?.context.close();
  await browser?.close();
  await redis?.start().catch(() => undefined);
  await gw?.close();
  await redis?.dispose();
});

describe.skipIf(!HAVE_CHROMIUM)('console: the token store goes away mid-session', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('shows a retryable message, keeps the table, the form and the sign-in, and the retry works once Redis is back', async () => {
    const { page, screenshot, seen } = tab;
    await signIn(page, gw.adminToken);
    const existing = page.getByRole('row', { name: /existing/ });
    await expect.poll(() => existing.isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Create Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Token' });
    await dialog.getByLabel('Token name').fill('during-outage');
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByLabel('reporting').check();

    await redis.stop();
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toContain('The token store (Redis) is unavailable right now. Nothing was changed and nothing you entered is lost');
    await screenshot('11-redis-down-create');
    expect(await dialog.getByLabel('reporting').isChecked()).toBe(true);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('The token store (Redis) is unavailable');
    expect(await existing.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    expect((await storage(page)).session).toContain(gw.adminToken);
    await screenshot('12-redis-down-table');

    await redis.start();
    await expect.poll(async () => (await fetch(`${gw.url}/readyz`)).status, { timeout: 15_000, interval: 100 }).toBe(200);
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    expect(await existing.isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Create Token' }).click();
    await dialog.getByLabel('Token name').fill('after-outage');
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByLabel('reporting').check();
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    const shown = dialog.getByLabel('Token', { exact: true });
    await expect.poll(() => shown.inputValue()).toMatch(/^tg_a_/);
    const token = await shown.inputValue();
    await dialog.getByRole('button', { name: 'Copy Token & Close' }).click();
    await expect.poll(() => page.getByRole('row', { name: /after-outage/ }).isVisible()).toBe(true);
    const names = (await gw.admin('GET', '/apps/rp1/tokens')).body.items.map((t: { name: string }) => t.name).sort();
    expect(names).toEqual(['after-outage', 'existing']);
    expect([...seen.console, ...seen.urls].join('\n')).not.toContain(token);
  });
});
