import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

const sentinels = { sentinels: [{ host: 'redis-sentinel', port: 26379 }], name: 'mymaster' };

describe('REDIS_PASSWORD environment override', () => {
  it('sets store.redis.password and keeps the Sentinel topology from the file', () => {
    const config = parseConfig({ store: { redis: sentinels } }, 'config', { REDIS_PASSWORD: 's3cret' });
    expect(config.store.redis).toEqual({ ...sentinels, password: 's3cret' });
  });

  it('wins over a password written in the file', () => {
    const config = parseConfig({ store: { redis: { ...sentinels, password: 'old' } } }, 'config', { REDIS_PASSWORD: 'new' });
    expect(config.store.redis?.password).toBe('new');
  });

  it('is ignored when empty', () => {
    const config = parseConfig({ store: { url: 'redis://r:6379' } }, 'config', { REDIS_PASSWORD: '' });
    expect(config.store.redis).toBeUndefined();
  });
});
