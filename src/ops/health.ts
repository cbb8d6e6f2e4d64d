/** `/healthz` (the process answers) and `/readyz` (config loaded, store reachable, not draining). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenStore } from '../store/token-store.js';

export interface Readiness {
  draining: boolean;
}

/** A probe's answer: `{status, ...}` JSON, never cached. Errors go through http/error-response.ts instead. */
export function sendStatus(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Handles the two health paths; returns false for anything else. Liveness never touches the store. */
export function createHealthHandler(store: TokenStore, readiness: Readiness, onStoreState: (up: boolean) => void) {
  return function handleHealth(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path === '/healthz') {
      sendStatus(res, 200, { status: 'ok' });
      return true;
    }
    if (path !== '/readyz') return false;
    if (readiness.draining) {
      sendStatus(res, 503, { status: 'draining' });
      return true;
    }
    store.ping().then(
      () => {
        onStoreState(true);
        sendStatus(res, 200, { status: 'ready', store: 'up' });
      },
      () => {
        onStoreState(false);
        sendStatus(res, 503, { status: 'unready', store: 'down' });
      },
    );
    return true;
  };
}
