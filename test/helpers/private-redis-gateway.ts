/** A gateway on a private redis-server (for tests that stop or pause it) in front of an echo upstream. */
import { startTestGateway, type TestGateway } from './gateway.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startUpstream, type TestUpstream } from './upstream.js';

export interface PrivateRedisGateway {
  redis: RedisServer;
  upstream: TestUpstream;
  gw: TestGateway;
  close(): Promise<void>;
}

/** `routes(upstreamUrl)` builds the routes; `store` settings are merged over the private server's URL. */
export async function startPrivateRedisGateway(options: { store?: Record<string, unknown>; routes(upstream: string): unknown[] }): Promise<PrivateRedisGateway> {
  const redis = await startRedisServer();
  const upstream = await startUpstream();
  const gw = await startTestGateway({ store: { url: redis.url, ...options.store }, routes: options.routes(upstream.url) });
  return {
    redis,
    upstream,
    gw,
    async close() {
      await gw.close();
      await upstream.close();
      await redis.dispose();
    },
  };
}
