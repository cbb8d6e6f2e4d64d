import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, storeDriver } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const route = { name: 'r', match: { path: '/a/*' }, upstream: 'http://127.0.0.1:9', app: 'x' };

describe('config loading', () => {
  it('loads the shipped example', () => {
    const config = loadConfig('config/tollgate.yaml', {});
    expect(config.routes.map((r) => r.name)).toEqual(['rp-bulk', 'controls', 'enrol', 'public']);
    expect(config.tokens.ttl).toBe(30 * 86_400_000);
    expect(config.store.timeout).toBe(250);
  });

  it('applies defaults: memory store, 30-day sliding api tokens, 60 s touch interval, 1 s staleness', () => {
    const config = parseConfig({});
    expect(storeDriver(config)).toBe('memory');
    expect(config.tokens.touchInterval).toBe(60_000);
    expect(config.revocation.maxStaleness).toBe(1_000);
    expect(config.listen.port).toBe(8080);
  });

  it('lists every problem with its path, at once', () => {
    const found = problems({
      listen: { port: 'eighty' },
      tokens: { ttl: '30 days' },
      routes: [route, { ...route, name: 'r', scopes: 'reporting', upstream: 'ftp://x' }, { name: 'p', match: { path: '/p/:id' }, upstream: 'http://h', app: { param: 'app' } }],
    });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^listen\.port: /),
      expect.stringMatching(/^tokens\.ttl: expected a duration/),
      expect.stringMatching(/^routes\[1\]\.scopes: expected array/),
      expect.stringMatching(/^routes\[1\]\.upstream: /),
    ]));
  });

  it('reports cross-field problems with paths', () => {
    expect(problems({ routes: [route, route] })).toEqual(['routes[1].name: duplicate route name "r"']);
    expect(problems({ routes: [{ ...route, app: undefined }] })).toEqual([expect.stringMatching(/^routes\[0\]\.app: required when auth/)]);
    expect(problems({ routes: [{ ...route, match: { path: '/p/:id' }, app: { param: 'app' } }] })).toEqual(['routes[0].app.param: path pattern has no :app']);
    expect(problems({ store: { redis: { sentinels: [{ host: 'h', port: 1 }] } } })).toEqual(['store.redis.name: required with sentinels']);
  });

  it('refuses unknown keys, so a typo does not silently do nothing', () => {
    expect(problems({ routes: [{ ...route, scope: ['x'] }] })).toEqual(['routes[0]: Unrecognized key: "scope"']);
  });

  it('lets the environment override connection settings', () => {
    const config = parseConfig({ listen: { port: 1 } }, 'x', { PORT: '9000', REDIS_URL: 'redis://cache:6379', LOG_LEVEL: 'debug' });
    expect(config.listen.port).toBe(9000);
    expect(config.store.url).toBe('redis://cache:6379');
    expect(storeDriver(config)).toBe('redis');
    expect(config.log.level).toBe('debug');
  });

  it('names the file and the YAML error for unparsable files, and a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'routes: [\n  - name: x\n');
    expect(() => loadConfig(file, {})).toThrow(/bad\.yaml[\s\S]*\(yaml\)/);
    expect(() => loadConfig(join(dir, 'missing.yaml'), {})).toThrow(/cannot read: ENOENT/);
  });
});
