import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandler } from '../../src/admin/console-static.js';
import { startTestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { freePort } from '../helpers/redis-server.js';

let dir: string;
let server: Server;
let base: string;

async function serve(handler: ReturnType<typeof createConsoleHandler>): Promise<{ server: Server; base: string }> {
  const s = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { server: s, base: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tg-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'index-Ab12.js'), 'console.info(1)');
  writeFileSync(join(dir, 'assets', 'index-Cd34.css'), 'body{}');
  writeFileSync(join(dir, 'secret.key'), 'not a served type');
  ({ server, base } = await serve(createConsoleHandler({ dir, settings: { issuer: 'https://gw.example.com' } })));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('console static files', () => {
  it.each(['/console', '/console/', '/console/index.html', '/console?x=1'])('serves index.html at %s with the strict headers and no-cache', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>console</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves hashed assets with their type and a year-long immutable cache', async () => {
    const js = await fetch(`${base}/console/assets/index-Ab12.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await fetch(`${base}/console/assets/index-Cd34.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves the page its settings (the issuer for the assertion command) as JSON', async () => {
    const res = await fetch(`${base}/console/settings.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toEqual({ issuer: 'https://gw.example.com' });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await fetch(`${base}/console/`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await fetch(`${base}/console/`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it.each(['/console/../package.json', '/console/assets/../../secret.key', '/console/%2e%2e/package.json', '/console/secret.key', '/console/assets/', '/console//index.html', '/console/assets/index-Ab12.js/'])(
    'serves nothing outside the built files: %s is 404',
    async (path) => {
      const res = await httpRequest(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(res.body).toBe('not found\n');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    },
  );

  it('answers 405 with Allow to anything but GET and HEAD', async () => {
    const res = await fetch(`${base}/console/`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${base}/console/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('<!doctype html><title>console</title>'.length));
  });

  it('says how to build the console when dist/console is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tg-console-empty-'));
    const other = await serve(createConsoleHandler({ dir: empty }));
    try {
      const res = await fetch(`${other.base}/console`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('npm run build');
    } finally {
      await new Promise((resolve) => other.server.close(resolve));
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('is mounted on the admin listener only, never on a separate edge port', async () => {
    const gw = await startTestGateway({ listen: { adminPort: await freePort() } }, 'memory');
    try {
      expect(gw.adminUrl).not.toBe(gw.url);
      const onAdmin = await fetch(`${gw.adminUrl}/console/`);
      expect(onAdmin.status).toBe(200);
      expect(onAdmin.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect((await fetch(`${gw.url}/console/`)).status).toBe(404);
    } finally {
      await gw.close();
    }
  });
});
