/** Route options that change what is forwarded (issue 11.9): audit mode, forwardAuthorization, preserveHost. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let token: string;
let otherAppToken: string;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    routes: [
      { name: 'audited', match: { path: '/audit/*' }, upstream: upstream.url, app: 'appA', scopes: ['read'], mode: 'audit' },
      { name: 'audited-limited', match: { path: '/audit-limited/*' }, upstream: upstream.url, app: 'appA', mode: 'audit', rateLimit: { perToken: '1/m' } },
      { name: 'with-auth', match: { path: '/fwd/*' }, upstream: upstream.url, app: 'appA', forwardAuthorization: true },
      { name: 'keep-host', match: { path: '/keep/*' }, upstream: upstream.url, app: 'appA', preserveHost: true },
      { name: 'plain', match: { path: '/plain/*' }, upstream: upstream.url, app: 'appA' },
    ],
  });
  for (const id of ['appA', 'appB']) expect((await gw.admin('POST', '/apps', { id, name: id, scopes: ['read'] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/appA/tokens', { name: 'a', scopes: [] })).body.token;
  otherAppToken = (await gw.admin('POST', '/apps/appB/tokens', { name: 'b', scopes: ['read'] })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const auditLines = () => gw.logs.filter((l) => l.msg === 'audit mode: would deny');
async function metricsText(): Promise<string> {
  return (await fetch(`${gw.metricsUrl}/metrics`)).text();
}

describe('mode: audit', () => {
  it('forwards what enforce would refuse (no token, wrong app, missing scope), logs and counts each as a deny', async () => {
    const before = upstream.requests.length;
    const logged = auditLines().length;
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing'],
      [{ authorization: `Bearer ${otherAppToken}` }, 'wrong_app'],
      [{ authorization: `Bearer ${token}` }, 'insufficient_scope'],
    ];
    for (const [headers] of cases) expect((await fetch(`${gw.url}/audit/x`, { headers })).status).toBe(200);
    expect(upstream.requests.length).toBe(before + 3);
    // A refused caller's identity is not vouched for: no X-Auth-* reaches the upstream.
    for (const seen of upstream.requests.slice(before)) expect(seen.headers['x-auth-app']).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(auditLines().length).toBe(logged + 3);
    const text = await metricsText();
    for (const [, reason] of cases) {
      expect(text).toContain(`tollgate_auth_decisions_total{route="audited",result="deny",reason="${reason}",mode="proxy"}`);
    }
  });

  it('forwards a rate-limited request with its identity, and counts it as rate_limited', async () => {
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${gw.url}/audit-limited/1`, { headers })).status).toBe(200);
    const before = upstream.requests.length;
    const second = await fetch(`${gw.url}/audit-limited/2`, { headers });
    expect(second.status).toBe(200);
    expect(upstream.requests[before]!.headers['x-auth-app']).toBe('appA');
    expect(await metricsText()).toContain('tollgate_auth_decisions_total{route="audited-limited",result="deny",reason="rate_limited",mode="proxy"} 1');
  });

  it('still refuses what is not an authorization question: a bad path or a token in the query', async () => {
    const before = upstream.requests.length;
    expect((await fetch(`${gw.url}/audit/x?access_token=abc`)).status).toBe(400);
    expect((await httpRequest(`${gw.url}/audit/%2e%2e%2fplain`)).status).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });
});

describe('forwardAuthorization and preserveHost', () => {
  it('passes the Authorization header upstream only on routes that opt in', async () => {
    const before = upstream.requests.length;
    expect((await fetch(`${gw.url}/fwd/x`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${gw.url}/plain/x`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const [opted, plain] = upstream.requests.slice(before);
    expect(opted!.headers.authorization).toBe(`Bearer ${token}`);
    expect(plain!.headers.authorization).toBeUndefined();
  });

  it("keeps the client's Host only on routes that opt in; otherwise the upstream's, with the original in X-Forwarded-Host", async () => {
    const before = upstream.requests.length;
    const auth = ['Authorization', `Bearer ${token}`];
    expect((await httpRequest(`${gw.url}/keep/x`, { headers: ['Host', 'api.example.com', ...auth] })).status).toBe(200);
    expect((await httpRequest(`${gw.url}/plain/x`, { headers: ['Host', 'api.example.com', ...auth] })).status).toBe(200);
    const [kept, plain] = upstream.requests.slice(before);
    expect(kept!.headers.host).toBe('api.example.com');
    expect(plain!.headers.host).toBe(new URL(upstream.url).host);
    expect(plain!.headers['x-forwarded-host']).toBe('api.example.com');
  });
});
