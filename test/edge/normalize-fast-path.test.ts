import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePath, normalizeTarget } from '../../src/edge/normalize-path.js';

/** Segments built from characters the fast path and the full normalizer both see. */
const segment = fc.string({ unit: fc.constantFrom(...'aZ09-_~!$&\'()*+,=:@.;%2F'.split('')), maxLength: 6 });
const path = fc.tuple(fc.array(segment, { maxLength: 6 }), fc.boolean()).map(([segments, slash]) => `/${segments.join('/')}${slash ? '/' : ''}`);

describe('normalizeTarget fast path for paths that are already canonical', () => {
  it('agrees with the full normalizer on every path, plain or not', () => {
    fc.assert(fc.property(path, fc.constantFrom('', '?a=1'), (p, query) => {
      const full = normalizePath(p);
      expect(normalizeTarget(p + query)).toEqual(full === null ? null : { path: full, query });
    }), { numRuns: 20_000 });
  });

  it('passes a plain path through unchanged', () => {
    expect(normalizeTarget('/bench/items/?page=1')).toEqual({ path: '/bench/items/', query: '?page=1' });
    expect(normalizeTarget('/')).toEqual({ path: '/', query: '' });
  });
});
