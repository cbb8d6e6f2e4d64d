/**
 * The forward-auth contract every real ingress in front of tollgate must keep (issue 14), run by
 * test/forward-auth/<ingress>.test.ts against the ingress started from the repository's example config.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwardAuthStack, type ForwardAuthStack } from './forward-auth-stack.js';
import { httpRequest } from './http.js';
import type { SpawnedServer } from './spawned-server.js';

export type StartIngress = (ports: { tollgate: number; app: number }) => Promise<SpawnedServer>;

/** Slack on top of revocation.maxStaleness for the revoke call, the ingress hop and the poll interval. */
const REVOCATION_SLACK_MS = 2_000;

/** `name` titles the suite; `ingress` is the `forwardAuth.ingress` tollgate is configured with. */
export function forwardAuthContract(name: string, ingress: 'nginx' | 'caddy', enabled: boolean, start: StartIngress): void {
  describe.skipIf(!enabled)(`${name} in front of tollgate's forward-auth endpoint`, () => {
    let stack: ForwardAuthStack;
    let server: SpawnedServer;
    let reader: string;

    beforeAll(async () => {
      stack = await startForwardAuthStack(ingress);
      server = await start({ tollgate: stack.tollgatePort, app: stack.upstream.port });
      reader = (await stack.token('reader', ['read'])).token;
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      await stack?.close();
    });

    /** A request through the ingress to a path no other test uses, and what of it reached the app. */
    async function through(path: string, headers: string[] = []) {
      const url = `${path}${path.includes('?') ? '&' : '?'}t=${randomUUID()}`;
      const res = await httpRequest(`${server.url}${url}`, { headers: [...headers] });
      return { res, arrived: stack.upstream.requests.find((r) => r.url === url) };
    }
    const bearer = (token: string) => ['Authorization', `Bearer ${token}`];

    it('no token: 401 with the challenge and JSON body reaching the client, nothing reaching the app', async () => {
      const { res, arrived } = await through('/api/items');
      expect(res.status, server.output()).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tollgate"');
      expect(JSON.parse(res.body)).toMatchObject({ error: 'unauthorized' });
      expect(arrived).toBeUndefined();
    });

    it('a token without the route\'s scope: 403 insufficient_scope naming the scope', async () => {
      const { token } = await stack.token('no-scope', []);
      const { res, arrived } = await through('/api/items', bearer(token));
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(res.headers['www-authenticate']).toContain('scope="read"');
      expect(JSON.parse(res.body).error).toBe('insufficient_scope');
      expect(arrived).toBeUndefined();
    });

    it('a valid token: 200 from the app, which receives the identity headers and not the token', async () => {
      const { res, arrived } = await through('/api/items', bearer(reader));
      expect(res.status).toBe(200);
      expect(res.headers['x-upstream']).toBe('yes');
      expect(arrived!.headers).toMatchObject({ 'x-auth-app': 'shop', 'x-auth-scopes': 'read' });
      expect(arrived!.headers['x-auth-token-id']).toMatch(/^tok_/);
      expect(arrived!.headers['x-auth-subject']).toBeTruthy();
      expect(arrived!.headers['x-request-id']).toBeTruthy();
      expect(arrived!.headers.authorization).toBeUndefined();
    });

    const spoofed = ['X-Auth-App', 'evil', 'X-Auth-Subject', 'root', 'X-Auth-Scopes', 'admin', 'X-Auth-Token-Id', 'tok_forged', 'X-Auth-Client-Id', 'forged', 'X_Auth_App', 'evil', 'X_Auth_Subject', 'root'];
    // Caddy 2.6's copy_headers sends a header tollgate's answer lacks as an empty one: no identity either way.
    const identityNames = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => /^x[-_]auth[-_]/i.test(name) && headers[name] !== '');

    it('client-sent X-Auth-* and X_Auth_* never reach the app: replaced by the real identity', async () => {
      const { res, arrived } = await through('/api/items', [...spoofed, ...bearer(reader)]);
      expect(res.status).toBe(200);
      expect(arrived!.headers).toMatchObject({ 'x-auth-app': 'shop', 'x-auth-scopes': 'read' });
      expect(arrived!.headers['x-auth-subject']).not.toBe('root');
      expect(arrived!.headers['x-auth-token-id']).not.toBe('tok_forged');
      expect(identityNames(arrived!.headers).sort()).toEqual(['x-auth-app', 'x-auth-scopes', 'x-auth-subject', 'x-auth-token-id']);
    });

    it('client-sent X-Auth-* never reach the app when the decision carries no identity (public and audit routes)', async () => {
      const open = await through('/public/page', spoofed);
      expect(open.res.status).toBe(200);
      expect(identityNames(open.arrived!.headers)).toEqual([]);
      const audited = await through('/audit/page', [...spoofed, ...bearer(reader)]);
      expect(audited.res.status).toBe(200);
      expect(identityNames(audited.arrived!.headers)).toEqual([]);
    });

    it("a client cannot pick the path judged: other ingresses' original-request headers are ignored", async () => {
      const disguise = ['X-Original-URL', 'http://x/public/a', 'X-Original-URI', '/public/a', 'X-Forwarded-Uri', '/public/a', 'X-Forwarded-Method', 'GET'];
      const { res, arrived } = await through('/api/items', disguise);
      expect(res.status).toBe(401);
      expect(arrived).toBeUndefined();
    });

    it("passes on tollgate's other refusals as they are: 429 with Retry-After and RateLimit, 404 for no route", async () => {
      const { token } = await stack.token('limited', ['read']);
      expect((await through('/limited/a', bearer(token))).res.status).toBe(200);
      const { res, arrived } = await through('/limited/b', bearer(token));
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.headers).toHaveProperty('ratelimit-limit');
      expect(JSON.parse(res.body).error).toBeTruthy();
      expect(arrived).toBeUndefined();
      const nowhere = await through('/nowhere', bearer(reader));
      expect(nowhere.res.status).toBe(404);
      expect(nowhere.arrived).toBeUndefined();
    });

    it('a token revoked through the admin API is refused within revocation.maxStaleness', async () => {
      const { token, id } = await stack.token('soon-revoked', ['read']);
      expect((await through('/api/items', bearer(token))).res.status).toBe(200);
      expect((await stack.gw.admin('DELETE', `/apps/shop/tokens/${id}`)).status).toBeLessThan(300);
      await expect
        .poll(async () => (await through('/api/items', bearer(token))).res.status, { timeout: stack.maxStaleness + REVOCATION_SLACK_MS, interval: 100 })
        .toBe(401);
    });

    it('Redis down: 503 with Retry-After reaches the client, and nothing reaches the app', async () => {
      const { token } = await stack.token('during-outage', ['read']);
      await stack.redis.stop();
      await expect.poll(async () => (await through('/api/items', bearer(token))).res.status, { timeout: 10_000, interval: 200 }).toBe(503);
      const { res, arrived } = await through('/api/items', bearer(token));
      expect(res.status).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(res.body).error).toBeTruthy();
      expect(arrived).toBeUndefined();
    });
  });
}
