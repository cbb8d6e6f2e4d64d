/** A real gateway in this process on free ports, with a real store and a ready admin token. */
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { createLogger } from '../../src/ops/logger.js';
import { bootstrapAdminToken } from '../../src/tokens/admin-bootstrap.js';
import { systemClock } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from './redis.js';

export type StoreChoice = 'memory' | 'redis';

export interface TestGateway {
  gateway: Gateway;
  config: Config;
  url: string;
  adminUrl: string;
  metricsUrl: string;
  adminToken: string;
  prefix: string;
  /** Every JSON log line the gateway wrote. */
  logs: Record<string, unknown>[];
  /** Raw log text, for scanning for leaked secrets. */
  logText(): string;
  /** Calls the admin API with the admin token. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestGateway(raw: Record<string, unknown> = {}, store: StoreChoice = 'redis'): Promise<TestGateway> {
  const prefix = uniquePrefix();
  const rawStore = (raw.store ?? {}) as Record<string, unknown>;
  const config = parseConfig(
    {
      ...raw,
      listen: { host: '127.0.0.1', port: 0, metricsPort: 0, ...(raw.listen as object) },
      store: store === 'redis' ? { url: REDIS_URL, keyPrefix: prefix, ...rawStore } : { driver: 'memory', ...rawStore },
      log: { level: 'info', ...(raw.log as object) },
    },
    'test',
  );
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: config.log.level, destination: sink });
  const gateway = await startGateway(config, { logger });
  const { token: adminToken } = await bootstrapAdminToken(gateway.store, gateway.lifecycle, systemClock, { name: 'test-admin' });
  return {
    gateway,
    config,
    url: gateway.urls.main,
    adminUrl: gateway.urls.admin,
    metricsUrl: gateway.urls.metrics,
    adminToken,
    prefix,
    get logs() {
      return lines.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => lines.join(''),
    async admin(method, path, body) {
      const response = await fetch(`${gateway.urls.admin}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    },
    async close() {
      await gateway.stop();
      if (store === 'redis') await cleanupPrefix(prefix);
    },
  };
}
