/**
 * What an ingress test puts behind the ingress: a tollgate answering forward-auth decisions (on its own
 * private redis-server, so a test can stop it), the app's upstream that records what arrives, and tokens.
 */
import { startTestGateway, type TestGateway } from './gateway.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startUpstream, type TestUpstream } from './upstream.js';

export interface ForwardAuthStack {
  gw: TestGateway;
  redis: RedisServer;
  upstream: TestUpstream;
  /** Port of tollgate's listener that serves /auth/verify. */
  tollgatePort: number;
  /** revocation.maxStaleness, ms. */
  maxStaleness: number;
  /** A new api token of app `shop`. */
  token(name: string, scopes: string[]): Promise<{ token: string; id: string }>;
  close(): Promise<void>;
}

export async function startForwardAuthStack(ingress: 'nginx' | 'caddy'): Promise<ForwardAuthStack> {
  const redis = await startRedisServer();
  const upstream = await startUpstream();
  // Routes' upstreams are never called in forward-auth: the ingress forwards.
  const unused = 'http://127.0.0.1:9';
  const gw = await startTestGateway({
    listen: { trustedProxies: ['127.0.0.1', '::1'] },
    forwardAuth: { ingress, path: '/auth/verify' },
    store: { url: redis.url },
    revocation: { maxStaleness: '1s' },
    routes: [
      { name: 'api', match: { path: '/api/*' }, upstream: unused, app: 'shop', scopes: ['read'] },
      { name: 'limited', match: { path: '/limited/*' }, upstream: unused, app: 'shop', scopes: ['read'], rateLimit: { perToken: '1/m' } },
      { name: 'audited', match: { path: '/audit/*' }, upstream: unused, app: 'shop', scopes: ['admin'], mode: 'audit' },
      { name: 'public', match: { path: '/public/*' }, upstream: unused, auth: 'none' },
    ],
  });
  const app = await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: ['read', 'admin'] });
  if (app.status !== 201) throw new Error(`creating app shop: ${app.status}`);
  return {
    gw,
    redis,
    upstream,
    tollgatePort: Number(new URL(gw.gateway.urls.forwardAuth).port),
    maxStaleness: gw.config.revocation.maxStaleness,
    async token(name, scopes) {
      const made = await gw.admin('POST', '/apps/shop/tokens', { name, scopes });
      if (made.status !== 201) throw new Error(`creating token ${name}: ${made.status}`);
      return { token: made.body.token as string, id: made.body.id as string };
    },
    async close() {
      await gw.close();
      await upstream.close();
      await redis.dispose();
    },
  };
}
