/**
 * A real browser (Debian's Chromium) calling the Hypersign key exchange from a web page: its CORS
 * preflight is answered for the app's registered origin and the page reads the token; a page on
 * another origin is stopped by the browser itself.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, TOOLS } from '../helpers/debian-tool.js';
import { APP, useInteropGateway } from './interop-gateway.js';

/** Chromium on a 2-core machine shared with the whole suite. */
const BROWSER_TIMEOUT = 60_000;

async function startPageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>wallet</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!requireTools('the browser CORS test', TOOLS.chromium))('a browser page calling the key exchange', () => {
  const ig = useInteropGateway({ compat: { hypersign: true } });
  let browser: Browser;
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  let apiKey: string;

  beforeAll(async () => {
    [allowed, other] = [await startPageServer(), await startPageServer()];
    expect((await ig.gw.admin('PATCH', `/apps/${APP}`, { origins: [allowed.origin] })).status).toBe(200);
    apiKey = (await ig.gw.admin('POST', `/apps/${APP}/api-keys`, { name: 'web' })).body.key;
    browser = await chromium.launch({ executablePath: TOOLS.chromium.command, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    for (const page of [allowed, other]) page?.server.close();
  });

  /** Runs Hypersign's call in a page served from `origin`; what the page could read, or the fetch error. */
  async function exchangeFrom(origin: string): Promise<{ status?: number; body?: Record<string, unknown>; error?: string }> {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(
        async ({ url, key }) => {
          try {
            const res = await fetch(url, { method: 'POST', headers: { 'X-Api-Secret-Key': key } });
            return { status: res.status, body: (await res.json()) as Record<string, unknown> };
          } catch (err) {
            return { error: String(err) };
          }
        },
        { url: `${ig.issuer}/api/v1/app/oauth`, key: apiKey },
      );
    } finally {
      await page.close();
    }
  }

  it('gets a token from the app\'s registered origin, after a preflight the gateway answered', async () => {
    const result = await exchangeFrom(allowed.origin);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 14400 });
    expect(await ig.edgeStatus(result.body!.access_token as string)).toBe(200);
  }, BROWSER_TIMEOUT);

  it('is stopped by the browser from any other origin', async () => {
    const result = await exchangeFrom(other.origin);
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/Failed to fetch/);
  }, BROWSER_TIMEOUT);
});
