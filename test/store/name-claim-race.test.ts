/**
 * Red-team finding: token names are not unique among an app's live tokens when two gateway processes
 * (one Redis) create the same name at once. The claim is written before the record (index first), and a
 * second writer that finds the name held by an id whose record is not written yet judges it not live
 * (no `c`), takes the name over, and both creates succeed. Seen through the admin API on two gateways
 * sharing one Redis in about a third of the attempts, in v2 and v3 (and in the release before v3). A claim now
 * says when it was made, and a holder without a record holds the name for PENDING_MS.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { RedisAppIndex } from '../../src/store/redis-app-index.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { PENDING_MS } from '../../src/store/token-store.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { makeRecord } from './contract.js';

const ROUNDS = 60;

describe.each(['v2', 'v3'] as const)('a token name claimed at once by two gateways (layout %s)', (layout) => {
  const prefix = uniquePrefix(`name-race-${layout}`);
  // Two connections, as two gateway processes have.
  let one: Redis;
  let two: Redis;
  let stores: RedisStore[];

  beforeAll(() => {
    one = new Redis(REDIS_URL, { enableAutoPipelining: true });
    two = new Redis(REDIS_URL, { enableAutoPipelining: true });
    stores = [new RedisStore(one, prefix, { layout }), new RedisStore(two, prefix, { layout })];
  });

  afterAll(async () => {
    await cleanupPrefix(prefix);
    one.disconnect();
    two.disconnect();
  });

  it('goes to one of them: the other is refused with a conflict', async () => {
    let duplicated = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const records = stores.map(() => makeRecord({ app: 'race', name: `same-${round}` }));
      const results = await Promise.allSettled(records.map((r, i) => stores[i]!.putToken(r)));
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
      if (results.filter((r) => r.status === 'fulfilled').length > 1) duplicated++;
    }
    expect(duplicated, `rounds out of ${ROUNDS} that left two live tokens with one name`).toBe(0);
  });

  it('a claim whose record never came (an issuance that died) holds the name while recent, and frees it after PENDING_MS', async () => {
    const index = new RedisAppIndex(one, prefix, (id) => stores[0]!.tokenKey(id));
    const recent = makeRecord({ app: 'crashed', name: 'recent' });
    const stale = makeRecord({ app: 'crashed', name: 'stale', createdAt: Date.now() - PENDING_MS - 1_000 });
    // Claimed and indexed, as putToken does first, and then nothing: no record is ever written.
    await index.add(recent, layout === 'v3');
    await index.add(stale, layout === 'v3');
    await expect(stores[1]!.putToken(makeRecord({ app: 'crashed', name: 'recent' }))).rejects.toBeInstanceOf(ConflictError);
    await expect(stores[1]!.putToken(makeRecord({ app: 'crashed', name: 'stale' }))).resolves.toBeUndefined();
  });
});
