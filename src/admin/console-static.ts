/** Serves the built console (dist/console) under /console with a strict CSP; only files present at start are served. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the console: <package root>/dist/console, from src/admin or dist/admin alike. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist/console', import.meta.url));

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

function toAsset(body: Buffer, type: string, cache: string): Asset {
  return { body, type, cache, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Reads every built file once; request paths are looked up in this map, so nothing outside it can be reached. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(join(dir, 'index.html'))) return assets;
  for (const file of walk(dir)) {
    const type = TYPES[extname(file)];
    if (!type) continue;
    const body = readFileSync(file);
    const key = `/console/${relative(dir, file).split(sep).join('/')}`;
    // Vite puts content-hashed names under assets/: those never change, index.html always may.
    const cache = key.startsWith('/console/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    assets.set(key, toAsset(body, type, cache));
  }
  const index = assets.get('/console/index.html')!;
  assets.set('/console', index);
  assets.set('/console/', index);
  return assets;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

/** What the page may know about this gateway (nothing secret): served as /console/settings.json. */
export interface ConsoleSettings {
  /** The issuer identifier, the `aud` of client assertions; pre-filled in the assertion command. */
  issuer: string;
}

/** The `/console` request handler; `dir` defaults to the build output. */
export function createConsoleHandler(options: { dir?: string; settings?: ConsoleSettings } = {}): RequestListener {
  const assets = loadAssets(options.dir ?? DEFAULT_CONSOLE_DIR);
  const notBuilt = assets.size === 0;
  if (!notBuilt && options.settings) {
    assets.set('/console/settings.json', toAsset(Buffer.from(JSON.stringify(options.settings)), TYPES['.json']!, 'no-cache'));
  }
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'method not allowed\n');
    }
    const url = req.url ?? '/console';
    const q = url.indexOf('?');
    const asset = assets.get(q === -1 ? url : url.slice(0, q));
    if (!asset) {
      const text = notBuilt ? 'the console is not built: run `npm run build`\n' : 'not found\n';
      return send(res, 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, text);
    }
    const headers = { 'content-type': asset.type, 'cache-control': asset.cache, etag: asset.etag };
    if (req.headers['if-none-match'] === asset.etag) return send(res, 304, headers);
    send(res, 200, { ...headers, 'content-length': String(asset.body.length) }, req.method === 'HEAD' ? undefined : asset.body);
  };
}
