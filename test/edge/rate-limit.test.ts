import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { parseRate } from '../../src/store/rate.js';

describe('rate limit configuration', () => {
  it('parses rates into a count per fixed window', () => {
    expect(parseRate('100/s')).toEqual({ max: 100, windowMs: 1_000 });
    expect(parseRate('600/m')).toEqual({ max: 600, windowMs: 60_000 });
    expect(parseRate('1000/h')).toEqual({ max: 1000, windowMs: 3_600_000 });
  });

  it('refuses per-token and per-client limits on a route without authentication, and bad rates, with their paths', () => {
    const route = { name: 'pub', match: { path: '/p/*' }, upstream: 'http://u:1', auth: 'none', rateLimit: { perToken: '5/s' } };
    expect(() => parseConfig({ routes: [route] })).toThrow(/routes\[0\]\.rateLimit: only perIp applies/);
    try {
      parseConfig({ routes: [{ ...route, rateLimit: { perIp: 'lots' } }], rateLimit: { replicas: 0 } });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual(expect.arrayContaining([expect.stringMatching(/^routes\[0\]\.rateLimit\.perIp: expected a rate/), expect.stringMatching(/^rateLimit\.replicas:/)]));
    }
  });

  it('takes the replica count from TOLLGATE_REPLICAS', () => {
    expect(parseConfig({}, 'test', { TOLLGATE_REPLICAS: '4' }).rateLimit.replicas).toBe(4);
    expect(parseConfig({}).rateLimit.replicas).toBe(1);
  });
});
