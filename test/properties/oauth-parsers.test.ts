import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { parseBasic } from '../../src/oauth/client-secret-auth.js';
import { parseForm } from '../../src/oauth/form-body.js';

const RUNS = { numRuns: 3000 };

/** RFC 6749 2.3.1: form-urlencode each half, join with a colon, base64. */
function basic(id: string, secret: string): string {
  const encode = (v: string) => new URLSearchParams({ v }).toString().slice(2);
  return Buffer.from(`${encode(id)}:${encode(secret)}`, 'utf8').toString('base64');
}

function errorOf(fn: () => unknown): GatewayError | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
}

describe('Basic client credentials (properties)', () => {
  it('decodes back exactly the id and secret encoded per RFC 6749 2.3.1, colons, plus signs and percent signs included', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 60 }), (id, secret) => {
        expect(parseBasic(basic(id, secret))).toEqual({ id, secret });
      }),
      RUNS,
    );
    expect(parseBasic(basic('a:b', 'p+q%r'))).toEqual({ id: 'a:b', secret: 'p+q%r' });
    expect(basic('a:b', 'p+q%r')).toBe(Buffer.from('a%3Ab:p%2Bq%25r').toString('base64'));
  });

  it('answers anything else with invalid_client (401), never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (input) => {
        const err = errorOf(() => parseBasic(input));
        if (err) {
          expect(err.status).toBe(401);
          expect(err.error).toBe('invalid_client');
        }
      }),
      RUNS,
    );
  });

  it('refuses decoded credentials without a colon', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }).filter((s) => !s.includes(':')), (text) => {
        const err = errorOf(() => parseBasic(Buffer.from(text, 'utf8').toString('base64')));
        expect(err?.error).toBe('invalid_client');
      }),
      RUNS,
    );
  });
});

describe('form bodies (properties)', () => {
  const name = fc.string({ minLength: 1, maxLength: 20 });
  const value = fc.string({ minLength: 1, maxLength: 40 });

  it('reads back every parameter sent once, whatever its characters', () => {
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 8 }), (params) => {
        expect({ ...parseForm(new URLSearchParams(params).toString()) }).toEqual(params);
      }),
      RUNS,
    );
  });

  it('refuses any repeated parameter with invalid_request (400)', () => {
    fc.assert(
      fc.property(fc.dictionary(name, value, { minKeys: 1, maxKeys: 6 }), fc.nat(), value, (params, pick, other) => {
        const names = Object.keys(params);
        const repeated = names[pick % names.length]!;
        const body = new URLSearchParams([...Object.entries(params), [repeated, other]]).toString();
        const err = errorOf(() => parseForm(body));
        expect(err?.status).toBe(400);
        expect(err?.error).toBe('invalid_request');
      }),
      RUNS,
    );
  });

  it('treats an empty value as absent', () => {
    fc.assert(
      fc.property(name, (n) => {
        expect(parseForm(new URLSearchParams([[n, '']]).toString())[n]).toBeUndefined();
      }),
      RUNS,
    );
  });
});
