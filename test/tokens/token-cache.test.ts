import { describe, expect, it } from 'vitest';
import { createTokenCache } from '../../src/tokens/token-cache.js';
import type { TokenRecord } from '../../src/types.js';

let now = 1_000_000;
const clock = () => now;

function record(id: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return { id, hash: 'h'.repeat(43), name: 'n', app: 'rp1', kind: 'api', scopes: ['reporting'], subject: 's', createdBy: 'admin', createdAt: now, expiresAt: now + 86_400_000, ttl: 86_400_000, sliding: true, ...extra };
}

describe('token cache', () => {
  it('serves an entry until maxStaleness after its store read began, never after', () => {
    const cache = createTokenCache({ maxStaleness: 1_000 }, clock);
    const readStarted = now;
    now += 300;
    cache.set('tok_a', record('tok_a'), readStarted, cache.epoch());
    now = readStarted + 999;
    expect(cache.get('tok_a')?.id).toBe('tok_a');
    now = readStarted + 1_000;
    expect(cache.get('tok_a')).toBeUndefined();
  });

  it('drops a read that was in flight while an eviction happened', () => {
    const cache = createTokenCache({ maxStaleness: 1_000 }, clock);
    const epoch = cache.epoch();
    cache.evict('tok_a');
    cache.set('tok_a', record('tok_a'), now, epoch);
    expect(cache.get('tok_a')).toBeUndefined();
  });

  it('remembers unknown ids only briefly, well under maxStaleness', () => {
    const cache = createTokenCache({ maxStaleness: 1_000 }, clock);
    const start = now;
    cache.set('tok_x', null, start, cache.epoch());
    expect(cache.get('tok_x')).toBeNull();
    now = start + 250;
    expect(cache.get('tok_x')).toBeUndefined();
  });

  it('evicts the least recently used entry past the count bound, and bounds bytes', () => {
    const cache = createTokenCache({ maxStaleness: 10_000, maxEntries: 2 }, clock);
    for (const id of ['tok_1', 'tok_2']) cache.set(id, record(id), now, cache.epoch());
    cache.get('tok_1');
    cache.set('tok_3', record('tok_3'), now, cache.epoch());
    expect(cache.get('tok_2')).toBeUndefined();
    expect(cache.get('tok_1')?.id).toBe('tok_1');
    expect(cache.size).toBe(2);

    const small = createTokenCache({ maxStaleness: 10_000, maxBytes: 2_000 }, clock);
    for (let i = 0; i < 50; i++) small.set(`tok_${i}`, record(`tok_${i}`), now, small.epoch());
    expect(small.bytes).toBeLessThanOrEqual(2_000);
    expect(small.size).toBeGreaterThan(0);
    expect(small.get('tok_49')?.id).toBe('tok_49');
  });

  it('serves and stores nothing while disabled, and comes back empty', () => {
    const seen: boolean[] = [];
    const cache = createTokenCache({ maxStaleness: 1_000, onLookup: (hit) => seen.push(hit) }, clock);
    cache.set('tok_a', record('tok_a'), now, cache.epoch());
    cache.setEnabled(false);
    expect(cache.get('tok_a')).toBeUndefined();
    cache.set('tok_b', record('tok_b'), now, cache.epoch());
    cache.setEnabled(true);
    expect(cache.get('tok_a')).toBeUndefined();
    expect(cache.get('tok_b')).toBeUndefined();
    expect(seen).toEqual([false, false, false]);
  });
});
