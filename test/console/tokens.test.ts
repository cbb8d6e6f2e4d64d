import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { assertPrerequisites, BROWSER_TEST_TIMEOUT, haveChromium, clipboardText, focused, launchChromium, openConsole, signIn, storage, type ConsoleTab } from './browser.js';

const HAVE_CHROMIUM = haveChromium('the console access-token tests in a real browser');

let upstream: TestUpstream;
let gw: TestGateway;
let browser: Browser;
const tabs: ConsoleTab[] = [];
/** Every secret the browser saw; none may reach localStorage, a URL or the console log. */
const secrets: string[] = [];

beforeAll(async () => {
  assertPrerequisites();
  upstream = await startUpstream();
  gw = await startTestGateway({
    routes: [{ name: 'reports', match: { path: '/rp/api/*' }, upstream: upstream.url, app: 'rp1', scopes: ['reporting'] }],
  });
  secrets.push(gw.adminToken);
  expect((await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP One', scopes: ['reporting', 'user.mgmt', 'app.config'] })).status).toBe(201);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const tab of tabs) await tab.context.close();
  await browser?.close();
  await gw?.close();
  await upstream?.close();
});

async function open(): Promise<ConsoleTab> {
  const tab = await openConsole(browser, gw.adminUrl);
  tabs.push(tab);
  return tab;
}

const proxy = (token: string) => fetch(`${gw.url}/rp/api/report`, { headers: { authorization: `Bearer ${token}` } });

describe.skipIf(!HAVE_CHROMIUM)('console: access tokens in a real browser', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('signs in, creates an API token shown once, copies it, uses it through the proxy, revokes it from the table', async () => {
    const { page, screenshot } = await open();
    await screenshot('01-sign-in');
    await signIn(page, gw.adminToken);
    await expect.poll(() => page.getByRole('tab', { name: 'Access Tokens' }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByText('No tokens yet').isVisible()).toBe(true);
    await screenshot('02-empty-tokens');

    await page.getByRole('button', { name: 'Create Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Token' });
    await dialog.getByLabel('Token name').fill('ci-deploy');
    await dialog.getByLabel('API token').check();
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByLabel('reporting').check();
    await dialog.getByLabel('user.mgmt').check();
    await screenshot('03-create-token-permissions');
    await dialog.getByRole('button', { name: 'Create Token' }).click();

    const shown = dialog.getByLabel('Token', { exact: true });
    await expect.poll(() => shown.inputValue()).toMatch(/^tg_a_[A-Za-z0-9_-]{49}$/);
    const token = await shown.inputValue();
    secrets.push(token);
    await screenshot('04-token-shown-once');
    await dialog.getByRole('button', { name: 'Copy Token & Close' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await clipboardText(page)).toBe(token);
    expect(await page.content()).not.toContain(token);

    const row = page.getByRole('row', { name: /ci-deploy/ });
    await expect.poll(() => row.isVisible()).toBe(true);
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells.slice(0, 5).join('|')).toMatch(/reporting.*user\.mgmt\|bootstrap\|.+\|Never\|(29|30) days/s);

    const before = upstream.requests.length;
    expect((await proxy(token)).status).toBe(200);
    expect(upstream.requests[before]!.headers['x-auth-scopes']).toBe('reporting user.mgmt');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => row.getByRole('cell').nth(3).innerText()).not.toBe('Never');
    await screenshot('05-tokens-table');

    await row.getByRole('button', { name: 'Revoke token ci-deploy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke token?' });
    await expect.poll(() => confirm.isVisible()).toBe(true);
    await screenshot('06-revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Token "ci-deploy" revoked.');
    expect(await row.count()).toBe(0);
    expect((await proxy(token)).status).toBe(401);
  });

  it('creates an installation token without permissions', async () => {
    const { page } = await open();
    await signIn(page, gw.adminToken);
    await page.getByRole('button', { name: 'Create Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Token' });
    await dialog.getByLabel('Token name').fill('kiosk-enrol');
    await dialog.getByLabel('Installation token').check();
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    const shown = dialog.getByLabel('Token', { exact: true });
    await expect.poll(() => shown.inputValue()).toMatch(/^tg_i_/);
    secrets.push(await shown.inputValue());
    await dialog.getByRole('button', { name: 'Copy Token & Close' }).click();
    await expect.poll(() => page.getByRole('row', { name: /kiosk-enrol/ }).getByText('Installation token').isVisible()).toBe(true);
  });

  it('keeps dialogs keyboard-operable: focus starts inside, Tab stays inside, Esc closes, focus returns to the opener', async () => {
    const { page } = await open();
    await signIn(page, gw.adminToken);
    const opener = page.getByRole('button', { name: 'Create Token' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create Token' });
    await expect.poll(async () => (await focused(page)).id).toBe('ct-name');
    await page.keyboard.type('kbd');
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect((await focused(page)).inDialog).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect((await focused(page)).text).toBe('Create Token');
  });

  it('refuses a wrong admin token at sign-in and keeps nothing', async () => {
    const { page, screenshot } = await open();
    await signIn(page, 'tg_a_' + 'x'.repeat(49));
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('That admin token was not accepted');
    await screenshot('07-wrong-admin-token');
    expect((await storage(page)).session).toBe('{}');
    expect(await page.getByLabel('Admin token').isVisible()).toBe(true);
  });

  it('shows the API error and keeps the input when the app no longer has a chosen scope', async () => {
    const { page, screenshot } = await open();
    expect((await gw.admin('POST', '/apps', { id: 'rp-shrinking', name: 'Shrinking', scopes: ['reporting', 'device.reg'] })).status).toBe(201);
    await signIn(page, gw.adminToken);
    await page.getByLabel('Application').selectOption('rp-shrinking');
    await page.getByRole('button', { name: 'Create Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Token' });
    await dialog.getByLabel('Token name').fill('reg-bot');
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByLabel('device.reg').check();
    // Another admin removes the scope while this dialog is open.
    expect((await gw.admin('PATCH', '/apps/rp-shrinking', { scopes: ['reporting'] })).status).toBe(200);
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toContain('"device.reg" is not a scope of app "rp-shrinking"');
    await screenshot('08-scope-the-app-lacks');
    expect(await dialog.getByLabel('device.reg').isChecked()).toBe(true);
    expect((await gw.admin('GET', '/apps/rp-shrinking/tokens')).body.items).toEqual([]);
  });

  it('answers a duplicate name with the 409 message on the name field, keeping the rest', async () => {
    expect((await gw.admin('POST', '/apps/rp1/tokens', { name: 'nightly', scopes: ['reporting'] })).status).toBe(201);
    const { page, screenshot } = await open();
    await signIn(page, gw.adminToken);
    await page.getByLabel('Application').selectOption('rp1');
    await page.getByRole('button', { name: 'Create Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Token' });
    await dialog.getByLabel('Token name').fill('nightly');
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByLabel('app.config').check();
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toContain('already exists. Choose another name.');
    await screenshot('09-duplicate-name');
    const name = dialog.getByLabel('Token name');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect((await focused(page)).id).toBe('ct-name');
    await name.fill('nightly-2');
    await dialog.getByRole('button', { name: 'Next' }).click();
    expect(await dialog.getByLabel('app.config').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    await expect.poll(() => dialog.getByLabel('Token', { exact: true }).inputValue()).toMatch(/^tg_a_/);
    secrets.push(await dialog.getByLabel('Token', { exact: true }).inputValue());
    await dialog.getByRole('button', { name: 'Copy Token & Close' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(4);
    await screenshot('17-tokens-overview');
  });

  it('sends the user back to sign-in with a message when the admin token is revoked mid-session', async () => {
    const second = await gw.admin('POST', '/apps/tollgate-admin/tokens', { name: 'console-user', scopes: ['admin.read', 'admin.apps', 'admin.tokens'] });
    expect(second.status).toBe(201);
    secrets.push(second.body.token);
    const { page, screenshot } = await open();
    await signIn(page, second.body.token);
    await expect.poll(() => page.getByRole('button', { name: 'Create Token' }).isVisible()).toBe(true);
    expect((await gw.admin('DELETE', `/apps/tollgate-admin/tokens/${second.body.id}`)).status).toBe(204);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('invalid, expired or was revoked. Sign in again');
    await screenshot('10-admin-token-revoked');
    expect((await storage(page)).session).toBe('{}');
  });

  it('never writes a secret to localStorage, a URL or the console log, and breaks no CSP rule', async () => {
    expect(tabs.length).toBeGreaterThan(3);
    expect(secrets.length).toBeGreaterThan(3);
    for (const tab of tabs) {
      const text = [...tab.seen.console, ...tab.seen.urls].join('\n');
      if (!tab.page.isClosed()) expect((await storage(tab.page)).local).toBe('{}');
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(40);
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/Content Security Policy|Refused to/);
    }
    for (const secret of secrets.slice(1)) expect(gw.logText()).not.toContain(secret);
  });
});
