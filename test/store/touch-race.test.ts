/**
 * A sliding-expiry touch racing a revocation never brings the token back, whatever the order in
 * which the commands reach Redis (fast-check schedules the interleavings against real Redis).
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis-store.js';
import { TOMBSTONE_MS } from '../../src/store/token-store.js';
import { generateSecret, hashSecret, tokenIdFromHash } from '../../src/tokens/format.js';
import type { TokenRecord } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const HOUR = 3_600_000;
let prefix: string;
let client: Redis;
let store: RedisStore;
let serial = 0;

function record(now: number): TokenRecord {
  const hash = hashSecret(generateSecret('api'));
  const id = tokenIdFromHash(hash);
  return { id, hash, name: `race${serial++}`, app: 'rp1', kind: 'api', scopes: ['s'], subject: 'u', createdBy: 'a', createdAt: now, expiresAt: now + HOUR, ttl: HOUR, sliding: true };
}

beforeAll(() => {
  prefix = uniquePrefix('touch');
  client = new Redis(REDIS_URL, { enableAutoPipelining: true });
  store = new RedisStore(client, prefix);
});

afterAll(async () => {
  await cleanupPrefix(prefix);
  client.disconnect();
});

describe('touch against revoke', () => {
  it('never resurrects or extends a revoked token, in any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.integer({ min: 1, max: 10 * HOUR }), { minLength: 1, maxLength: 6 }), async (s, offsets) => {
        const start = Date.now();
        const token = record(start);
        await store.putToken(token);
        let atRevoke: Record<string, string> = {};
        const touches = offsets.map((offset) => s.schedule(Promise.resolve(offset)).then((o) => store.touchToken(token.id, start + o)));
        const revoke = s.schedule(Promise.resolve()).then(async () => {
          await store.revokeToken(token.id, start);
          atRevoke = await client.hgetall(store.tokenKey(token.id));
        });
        await s.waitAll();
        await Promise.all([...touches, revoke]);

        const after = await store.getToken(token.id);
        expect(after?.revokedAt).toBe(start);
        // Tombstone lifetime, never a sliding one: a late touch did not push the key's expiry out.
        expect(await client.pttl(store.tokenKey(token.id))).toBeLessThanOrEqual(TOMBSTONE_MS);
        expect(await store.touchToken(token.id, start + 1)).toBe(false);
        // Touches that reached Redis after the revocation changed nothing (neither expiry nor last use).
        expect(await client.hgetall(store.tokenKey(token.id))).toEqual(atRevoke);
      }),
      { numRuns: 40 },
    );
  });

  it('never revives an expired token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10 * HOUR }), async (late) => {
        const start = Date.now();
        const token = record(start);
        await store.putToken(token);
        expect(await store.touchToken(token.id, start + HOUR + late)).toBe(false);
        expect((await store.getToken(token.id))?.expiresAt).toBe(start + HOUR);
      }),
      { numRuns: 20 },
    );
  });
});
