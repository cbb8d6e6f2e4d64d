/** Debian's Chromium driven by playwright-core, with every console message and page URL kept for leak checks. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_CONSOLE_DIR } from '../../src/admin/console-static.js';
import { requireTools, TOOLS } from '../helpers/debian-tool.js';

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM = TOOLS.chromium.command;
/** Per-test timeout for browser tests: a real browser on a 2-core machine shared with the whole suite. */
export const BROWSER_TEST_TIMEOUT = 60_000;
export const SHOTS = join(process.cwd(), 'test-results', 'console');

/**
 * True when Chromium is installed; otherwise a loud skip naming the install command (use with
 * `describe.skipIf`), or a failure under CI=true, where `.ci/run` installs it.
 */
export function haveChromium(what: string): boolean {
  return requireTools(what, TOOLS.chromium);
}

/** Fails early with what to do when the built console is missing. */
export function assertPrerequisites(): void {
  if (!existsSync(join(DEFAULT_CONSOLE_DIR, 'index.html'))) throw new Error('dist/console is missing: run `npm run build` first');
  mkdirSync(SHOTS, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  /** Every console message, page error and URL the page went to, for the leak checks. */
  seen: { console: string[]; urls: string[] };
  screenshot(name: string): Promise<void>;
}

/** A fresh browser context (own sessionStorage) on `/console`, with clipboard access granted for `origin`. */
export async function openConsole(browser: Browser, origin: string): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  // A missing element fails with its selector well before the test timeout, even on a loaded CI machine.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const seen = { console: [] as string[], urls: [] as string[] };
  page.on('console', (msg) => seen.console.push(msg.text()));
  page.on('pageerror', (err) => seen.console.push(`pageerror: ${err.message}`));
  page.on('framenavigated', (frame) => seen.urls.push(frame.url()));
  page.on('request', (req) => seen.urls.push(req.url()));
  await page.goto(`${origin}/console`);
  return { context, page, seen, screenshot: async (name) => void (await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })) };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// Page-side code is passed as strings: the test program is type-checked without the DOM library.

/** What the page keeps in localStorage and sessionStorage, as text. */
export function storage(page: Page): Promise<{ local: string; session: string }> {
  return page.evaluate('({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) })');
}

/** The text on the clipboard, as the page reads it. */
export function clipboardText(page: Page): Promise<string> {
  return page.evaluate('navigator.clipboard.readText()');
}

/** The id, aria-label and text of the focused element, and whether it is inside an open dialog. */
export function focused(page: Page): Promise<{ id: string; label: string | null; text: string; inDialog: boolean }> {
  return page.evaluate(
    "(() => { const e = document.activeElement; return { id: e?.id ?? '', label: e?.getAttribute('aria-label') ?? null, text: e?.textContent?.trim() ?? '', inDialog: Boolean(e?.closest('dialog[open]')) }; })()",
  );
}
