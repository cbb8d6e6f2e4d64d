import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasQueryToken, readBearer } from '../../src/edge/bearer.js';

const RUNS = { numRuns: 5000 };
const B64TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/';
const b64token = fc
  .tuple(fc.string({ unit: fc.constantFrom(...B64TOKEN_CHARS), minLength: 1, maxLength: 80 }), fc.nat({ max: 3 }))
  .map(([body, pad]) => body + '='.repeat(pad));
const schemeCase = fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }).map((upper) => [...'bearer'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const spaces = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });
const headerName = fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION', 'AuThOrIzAtIoN');
const otherHeaders = fc.array(fc.tuple(fc.constantFrom('Host', 'Accept', 'X-Authorization', 'Authorizatio', 'Cookie'), fc.string({ maxLength: 20 })), { maxLength: 4 });

describe('readBearer (properties)', () => {
  it('reads back exactly the b64token sent, whatever the scheme case and surrounding whitespace', () => {
    fc.assert(
      fc.property(headerName, schemeCase, spaces, b64token, spaces, otherHeaders, (name, scheme, pre, token, post, others) => {
        const raw = [...others.flat(), name, `${pre}${scheme} ${token}${post}`];
        expect(readBearer(raw)).toEqual({ kind: 'token', token });
      }),
      RUNS,
    );
  });

  it('never returns a token holding a character outside b64token, for any header value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }), (prefix, rest) => {
        for (const value of [prefix + rest, `Bearer ${rest}`, `bearer ${prefix}`]) {
          const result = readBearer(['Authorization', value]);
          if (result.kind === 'token') expect(result.token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
        }
      }),
      RUNS,
    );
  });

  it('refuses any character outside b64token inside the token as malformed', () => {
    const bad = fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).filter((s) => /[^A-Za-z0-9\-._~+/=\s]/.test(s) && s.trim() === s);
    fc.assert(
      fc.property(b64token, bad, b64token, (a, middle, b) => {
        expect(readBearer(['Authorization', `Bearer ${a.replace(/=+$/, '')}${middle}${b}`]).kind).toBe('malformed');
      }),
      RUNS,
    );
  });

  it('refuses two Authorization headers, in any case and order, even when both are valid', () => {
    fc.assert(
      fc.property(headerName, headerName, b64token, b64token, otherHeaders, (n1, n2, t1, t2, others) => {
        expect(readBearer([n1, `Bearer ${t1}`, ...others.flat(), n2, `Bearer ${t2}`]).kind).toBe('malformed');
      }),
      RUNS,
    );
  });

  it('treats any other scheme as no credentials, never as a token', () => {
    const scheme = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/).filter((s) => s.toLowerCase() !== 'bearer');
    fc.assert(
      fc.property(scheme, b64token, (s, token) => {
        expect(readBearer(['Authorization', `${s} ${token}`])).toEqual({ kind: 'missing' });
      }),
      RUNS,
    );
  });

  it('finds access_token in a query string however it is encoded', () => {
    const encodings = fc.constantFrom('access_token', 'access%5Ftoken', 'acc%65ss_token', '%61ccess_token', 'access%5ftoken');
    const pairs = fc.array(fc.stringMatching(/^[a-z]{1,8}=[a-z0-9]{0,8}$/), { maxLength: 4 });
    fc.assert(
      fc.property(pairs, encodings, pairs, fc.stringMatching(/^[A-Za-z0-9]{0,20}$/), (before, name, after, value) => {
        const query = `?${[...before, `${name}=${value}`, ...after].join('&')}`;
        expect(hasQueryToken(query)).toBe(true);
      }),
      RUNS,
    );
  });
});
