/**
 * The gateway every interop test drives with client software nobody on the team wrote: a real
 * gateway whose `issuer` is the URL it really listens on (RFC 8414 3.3: clients compare the two),
 * an app with a route to a real upstream, and one client per authentication method.
 */
import { webcrypto } from 'node:crypto';
import type { CryptoKey } from 'oauth4webapi';
import { afterAll, beforeAll, expect } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createClient } from '../helpers/oauth.js';
import { freePort } from '../helpers/redis-server.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

export const APP = 'interop-app';
export const SCOPE = 'reporting';

export interface InteropGateway {
  gw: TestGateway;
  upstream: TestUpstream;
  issuer: string;
  /** A client_secret client (for client_secret_basic and client_secret_post). */
  secretClient: { id: string; secret: string };
  /** A private_key_jwt client with the key pair the gateway generated. */
  keyClient: { id: string; kid: string; keyBase64: string };
  /** What the edge answers on the app's route with this Bearer token. */
  edgeStatus(token: string): Promise<number>;
  close(): Promise<void>;
}

export async function startInteropGateway(extra: Record<string, unknown> = {}): Promise<InteropGateway> {
  const upstream = await startUpstream();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const gw = await startTestGateway({
    issuer,
    listen: { port },
    tokenEndpoint: { rateLimit: { perIp: false, perClient: false } },
    // These tests are about the protocol; on a loaded shared machine the 250 ms default turns a slow Redis reply into a 503.
    store: { timeout: '2s' },
    routes: [{ name: 'interop', match: { path: '/api/*' }, upstream: upstream.url, app: APP, scopes: [SCOPE] }],
    ...extra,
  });
  expect(gw.url).toBe(issuer);
  expect((await gw.admin('POST', '/apps', { id: APP, name: 'Interop', scopes: [SCOPE, 'other'] })).status).toBe(201);
  const secret = await createClient(gw, APP, { auth: 'client_secret', scopes: [SCOPE], maxActiveTokens: 1000 });
  const key = await createClient(gw, APP, { auth: 'private_key_jwt', scopes: [SCOPE], maxActiveTokens: 1000 });
  return {
    gw,
    upstream,
    issuer,
    secretClient: { id: secret.client_id, secret: secret.client_secret },
    keyClient: { id: key.client_id, kid: key.kid, keyBase64: key.client_key },
    async edgeStatus(token) {
      const res = await fetch(`${issuer}/api/reports`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      return res.status;
    },
    async close() {
      await gw.close();
      await upstream.close();
    },
  };
}

/** One interop gateway for the tests of the enclosing file or describe: started before them, closed after. */
export function useInteropGateway(extra: Record<string, unknown> = {}): InteropGateway {
  const ig = {} as InteropGateway;
  beforeAll(async () => {
    Object.assign(ig, await startInteropGateway(extra));
  });
  afterAll(() => ig.close());
  return ig;
}

/** The client key the gateway handed out (base64 PKCS#8 DER) as the WebCrypto key the libraries sign with. */
export function importClientKey(keyBase64: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(keyBase64, 'base64'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']) as Promise<CryptoKey>;
}
