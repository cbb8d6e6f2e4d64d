import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let gw: TestGateway;
let upstream: TestUpstream;
let key: { id: string; key: string };

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    compat: { hypersign: true },
    tokenEndpoint: { rateLimit: { perIp: false, perClient: false } },
    routes: [{ name: 'ssi', match: { path: '/ssi/*' }, upstream: upstream.url, app: 'hs-app', scopes: ['did.read'] }],
  });
  await gw.admin('POST', '/apps', { id: 'hs-app', name: 'Hypersign app', scopes: ['did.read', 'did.write'], origins: ['https://wallet.example.com'] });
  key = (await gw.admin('POST', '/apps/hs-app/api-keys', { name: 'server', scopes: ['did.read'] })).body;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const exchange = (headers: Record<string, string>, path = '/api/v1/app/oauth') => fetch(`${gw.url}${path}`, { method: 'POST', headers });

describe('API key exchange (Hypersign shape)', () => {
  it('exchanges X-Api-Secret-Key for an access token in the Hypersign shape, at both paths', async () => {
    for (const path of ['/api/v1/app/oauth', '/oauth/key']) {
      const res = await exchange({ 'x-api-secret-key': key.key }, path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as any;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expiresIn', 'tokenType']);
      expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 14400 });
      const call = await fetch(`${gw.url}/ssi/dids`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(call.status).toBe(200);
      expect(upstream.requests.at(-1)!.headers['x-auth-app']).toBe('hs-app');
    }
  });

  it('ignores whatever body the client library sends (JSON, empty), but caps its size', async () => {
    const json = await fetch(`${gw.url}/api/v1/app/oauth`, { method: 'POST', headers: { 'x-api-secret-key': key.key, 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(200);
    const big = await fetch(`${gw.url}/api/v1/app/oauth`, { method: 'POST', headers: { 'x-api-secret-key': key.key, 'content-type': 'application/json' }, body: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
  });

  it('checks Origin against the app when one is sent', async () => {
    expect((await exchange({ 'x-api-secret-key': key.key, origin: 'https://wallet.example.com' })).status).toBe(200);
    const bad = await exchange({ 'x-api-secret-key': key.key, origin: 'https://evil.example' });
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as any).error).toBe('access_denied');
  });

  it('answers browsers: preflights for the app\'s origins, Access-Control-Allow-Origin on the exchange', async () => {
    const ask = (origin: string, headers = 'x-api-secret-key') =>
      fetch(`${gw.url}/api/v1/app/oauth`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });
    const ok = await ask('https://wallet.example.com', 'content-type,x-api-secret-key');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://wallet.example.com');
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST');
    expect(ok.headers.get('access-control-allow-headers')).toContain('x-api-secret-key');
    expect(ok.headers.get('vary')).toContain('Origin');
    for (const refused of [await ask('https://evil.example'), await ask('https://wallet.example.com', 'x-api-secret-key,x-other')]) {
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
    const call = await exchange({ 'x-api-secret-key': key.key, origin: 'https://wallet.example.com' }, '/oauth/key');
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('https://wallet.example.com');
    expect(call.headers.get('vary')).toBe('Origin');
    expect((await exchange({ 'x-api-secret-key': key.key })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 401 for a bad key and 400 for a malformed request', async () => {
    for (const value of ['tg_k_wrong', key.key.slice(0, -1) + (key.key.endsWith('A') ? 'B' : 'A'), 'tg_k_' + 'A'.repeat(49)]) {
      const res = await exchange({ 'x-api-secret-key': value });
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error).toBe('invalid_client');
    }
    const missing = await exchange({});
    expect(missing.status).toBe(400);
    const twice = await httpRequest(`${gw.url}/api/v1/app/oauth`, { method: 'POST', headers: ['X-Api-Secret-Key', key.key, 'X-Api-Secret-Key', key.key] });
    expect(twice.status).toBe(400);
    const get = await fetch(`${gw.url}/oauth/key`, { headers: { 'x-api-secret-key': key.key } });
    expect(get.status).toBe(400);
  });

  it('a deleted key stops working and its tokens are revoked', async () => {
    const k = (await gw.admin('POST', '/apps/hs-app/api-keys', { name: 'temp' })).body;
    expect(k.key).toMatch(/^tg_k_/);
    expect(k.scopes).toEqual(['did.read', 'did.write']);
    const token = ((await (await exchange({ 'x-api-secret-key': k.key })).json()) as any).access_token;
    expect((await fetch(`${gw.url}/ssi/x`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const list = (await gw.admin('GET', '/apps/hs-app/api-keys')).body.items;
    expect(list.map((x: any) => x.id)).toContain(k.id);
    expect(JSON.stringify(list)).not.toContain(k.key);
    expect((await gw.admin('DELETE', `/apps/hs-app/api-keys/${k.id}`)).status).toBe(204);
    expect((await exchange({ 'x-api-secret-key': k.key })).status).toBe(401);
    expect((await fetch(`${gw.url}/ssi/x`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await gw.admin('DELETE', `/apps/hs-app/api-keys/${k.id}`)).status).toBe(404);
  });

  it('an API key is not a Bearer token', async () => {
    expect((await fetch(`${gw.url}/ssi/x`, { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(401);
  });
});
