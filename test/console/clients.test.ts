import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { assertPrerequisites, BROWSER_TEST_TIMEOUT, haveChromium, clipboardText, focused, launchChromium, openConsole, signIn, storage, type ConsoleTab } from './browser.js';

const HAVE_CHROMIUM = haveChromium('the console client and API-key tests in a real browser');

const ISSUER = 'https://tollgate.test';
let upstream: TestUpstream;
let gw: TestGateway;
let browser: Browser;
let tab: ConsoleTab;
const secrets: string[] = [];

beforeAll(async () => {
  assertPrerequisites();
  upstream = await startUpstream();
  gw = await startTestGateway({
    issuer: ISSUER,
    routes: [{ name: 'reports', match: { path: '/rp/api/*' }, upstream: upstream.url, app: 'rp1', scopes: ['reporting'] }],
  });
  expect((await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP One', scopes: ['reporting', 'user.mgmt'] })).status).toBe(201);
  browser = await launchChromium();
  tab = await openConsole(browser, gw.adminUrl);
  await signIn(tab.page, gw.adminToken);
  await tab.page.getByLabel('Application').selectOption('rp1');
});

afterAll(async () => {
  await tab?.context.close();
  await browser?.close();
  await gw?.close();
  await upstream?.close();
});

const proxy = (token: string) => fetch(`${gw.url}/rp/api/report`, { headers: { authorization: `Bearer ${token}` } });

function tokenRequest(fields: Record<string, string>) {
  return fetch(`${gw.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', ...fields }) });
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name }).click();
  await expect.poll(() => page.getByRole('tab', { name }).getAttribute('aria-selected')).toBe('true');
}

/** Fills the client wizard up to its last step and returns the dialog. */
async function createClient(page: Page, name: string, role: string, auth: 'Client secret' | 'Signed JWT') {
  await page.getByRole('button', { name: 'Create Client' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create OAuth Client' });
  await dialog.getByLabel('Client name').fill(name);
  await dialog.getByLabel('Service account').check();
  await dialog.getByLabel('Role', { exact: true }).fill(role);
  await dialog.getByRole('button', { name: 'Next' }).click();
  await dialog.getByLabel(auth).check();
  await dialog.getByLabel('reporting').check();
  await dialog.getByLabel('Access token lifetime (seconds)').fill('600');
  await dialog.getByRole('button', { name: 'Create Client' }).click();
  return dialog;
}

describe.skipIf(!HAVE_CHROMIUM)('console: OAuth clients and API keys in a real browser', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('creates a client_secret client, shows the secret once, the secret gets a token that the proxy accepts until the client is deleted', async () => {
    const { page, screenshot } = tab;
    await openTab(page, 'OAuth Clients');
    await expect.poll(() => page.getByText('No OAuth clients yet').isVisible()).toBe(true);
    const dialog = await createClient(page, 'reporting-bot', 'reporter', 'Client secret');
    const secretField = dialog.getByLabel('Client secret');
    await expect.poll(() => secretField.inputValue()).toMatch(/^tg_s_/);
    const secret = await secretField.inputValue();
    const clientId = (await dialog.locator('[data-detail="Client ID"]').innerText()).trim();
    secrets.push(secret);
    expect(clientId).toMatch(/^cl_/);
    await screenshot('13-client-secret-shown-once');
    await dialog.getByRole('button', { name: 'Copy Secret & Close' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await clipboardText(page)).toBe(secret);

    const row = page.getByRole('row', { name: /reporting-bot/ });
    await expect.poll(() => row.isVisible()).toBe(true);
    expect((await row.getByRole('cell').allInnerTexts()).join('|')).toMatch(new RegExp(`${clientId}\\|Service \\(reporter\\)\\|Client secret\\|reporting\\s*\\|10 minutes`));
    await screenshot('14-clients-table');

    const issued = await tokenRequest({ client_id: clientId, client_secret: secret });
    expect(issued.status).toBe(200);
    const { access_token: accessToken, expires_in: expiresIn } = (await issued.json()) as { access_token: string; expires_in: number };
    secrets.push(accessToken);
    expect(expiresIn).toBe(600);
    expect((await proxy(accessToken)).status).toBe(200);

    await row.getByRole('button', { name: 'Delete client reporting-bot' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete client?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Client "reporting-bot" deleted.');
    expect((await proxy(accessToken)).status).toBe(401);
    expect((await tokenRequest({ client_id: clientId, client_secret: secret })).status).toBe(401);
  });

  it('rotates a client secret: the new one is shown once and the old one stops working', async () => {
    const { page } = tab;
    const dialog = await createClient(page, 'rotating-bot', 'rotator', 'Client secret');
    await expect.poll(() => dialog.getByLabel('Client secret').inputValue()).toMatch(/^tg_s_/);
    const oldSecret = await dialog.getByLabel('Client secret').inputValue();
    const clientId = (await dialog.locator('[data-detail="Client ID"]').innerText()).trim();
    secrets.push(oldSecret);
    await dialog.getByRole('button', { name: 'Copy Secret & Close' }).click();

    const row = page.getByRole('row', { name: /rotating-bot/ });
    await row.getByRole('button', { name: 'Rotate secret of client rotating-bot' }).click();
    await page.getByRole('dialog', { name: 'Rotate client secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
    const reveal = page.getByRole('dialog', { name: 'New client secret' });
    await expect.poll(() => reveal.getByLabel('Client secret').inputValue()).toMatch(/^tg_s_/);
    const newSecret = await reveal.getByLabel('Client secret').inputValue();
    secrets.push(newSecret);
    expect(newSecret).toMatch(/^tg_s_/);
    expect(newSecret).not.toBe(oldSecret);
    await reveal.getByRole('button', { name: 'Copy Secret & Close' }).click();
    await expect.poll(() => reveal.isVisible()).toBe(false);
    expect((await focused(page)).label).toBe('Rotate secret of client rotating-bot');
    expect((await tokenRequest({ client_id: clientId, client_secret: oldSecret })).status).toBe(401);
    expect((await tokenRequest({ client_id: clientId, client_secret: newSecret })).status).toBe(200);
  });

  it('creates a key client: the generated key is shown once with the assertion command, which signs an assertion the token endpoint accepts', async () => {
    const { page, screenshot } = tab;
    const dialog = await createClient(page, 'jwt-bot', 'signer', 'Signed JWT');
    const keyField = dialog.getByLabel('Client key');
    await expect.poll(() => keyField.inputValue()).toMatch(/^[A-Za-z0-9+/=]{100,}$/);
    const key = await keyField.inputValue();
    secrets.push(key);
    const clientId = (await dialog.locator('[data-detail="Client ID"]').innerText()).trim();
    const kid = (await dialog.locator('[data-detail="Key ID (kid)"]').innerText()).trim();
    const command = await dialog.getByLabel('Sign a client assertion with').inputValue();
    expect(command).toBe(`tollgate assertion --sub ${clientId} --key-base64 ${key} --kid ${kid} --aud ${ISSUER}`);
    await screenshot('15-client-key-shown-once');
    await dialog.getByRole('button', { name: 'Copy Key & Close' }).click();
    expect(await clipboardText(page)).toBe(key);

    // The command exactly as shown, run with the built CLI.
    const [program, ...args] = command.split(' ');
    expect(program).toBe('tollgate');
    const signed = await runCli(args);
    expect(signed.code).toBe(0);
    const assertion = signed.stdout.trim();
    expect(assertion.split('.')).toHaveLength(3);
    const issued = await tokenRequest({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    expect(issued.status).toBe(200);
    const accessToken = ((await issued.json()) as { access_token: string }).access_token;
    secrets.push(accessToken);
    expect((await proxy(accessToken)).status).toBe(200);
  });

  it('creates an API key shown once; its exchanged token passes the proxy until the key is revoked in the table', async () => {
    const { page, screenshot } = tab;
    await openTab(page, 'API Keys');
    await page.getByRole('button', { name: 'Create API Key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API Key' });
    await dialog.getByLabel('Key name').fill('mobile-app');
    await dialog.getByLabel('reporting').check();
    await dialog.getByRole('button', { name: 'Create Key' }).click();
    const keyField = dialog.getByLabel('API key', { exact: true });
    await expect.poll(() => keyField.inputValue()).toMatch(/^tg_k_/);
    const key = await keyField.inputValue();
    secrets.push(key);
    await screenshot('16-api-key-shown-once');
    await dialog.getByRole('button', { name: 'Copy Key & Close' }).click();
    const row = page.getByRole('row', { name: /mobile-app/ });
    await expect.poll(() => row.isVisible()).toBe(true);

    const exchanged = await fetch(`${gw.url}/oauth/key`, { method: 'POST', headers: { 'x-api-secret-key': key } });
    expect(exchanged.status).toBe(200);
    const accessToken = ((await exchanged.json()) as { access_token: string }).access_token;
    secrets.push(accessToken);
    expect((await proxy(accessToken)).status).toBe(200);

    await row.getByRole('button', { name: 'Revoke API key mobile-app' }).click();
    await page.getByRole('dialog', { name: 'Revoke API key?' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('API key "mobile-app" revoked.');
    expect((await proxy(accessToken)).status).toBe(401);
    expect((await fetch(`${gw.url}/oauth/key`, { method: 'POST', headers: { 'x-api-secret-key': key } })).status).toBe(401);
  });

  it('offers only tokens for the built-in admin app', async () => {
    const { page } = tab;
    await page.getByLabel('Application').selectOption('tollgate-admin');
    await expect.poll(() => page.getByRole('tab').allInnerTexts()).toEqual(['Access Tokens']);
    await page.getByLabel('Application').selectOption('rp1');
  });

  it('kept every secret out of localStorage, URLs and the console log', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const text = [...tab.seen.console, ...tab.seen.urls].join('\n');
    expect((await storage(tab.page)).local).toBe('{}');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(40);
      expect(text).not.toContain(secret);
      expect(gw.logText()).not.toContain(secret);
    }
    expect(text).not.toMatch(/Content Security Policy|Refused to/);
  });
});
