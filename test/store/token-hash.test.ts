import { describe, expect, it } from 'vitest';
import { encodeRecord, fromHash, toHash } from '../../src/store/token-hash.js';
import { generateSecret, hashSecret, tokenIdFromHash } from '../../src/tokens/format.js';
import type { TokenKind, TokenRecord } from '../../src/types.js';
import { v1TokenFields } from './fixtures/v1-layout.js';

const DAY = 86_400_000;

function record(kind: TokenKind, overrides: Partial<TokenRecord> = {}): TokenRecord {
  const hash = hashSecret(generateSecret(kind));
  return {
    id: tokenIdFromHash(hash), hash, name: 'deploy-bot', app: 'HYPRDefaultApplication', kind, scopes: ['app.config', 'user.mgmt'],
    subject: 'ops', createdBy: 'ops', createdAt: 1_796_000_000_123, expiresAt: 1_796_000_000_123 + 30 * DAY, ttl: 30 * DAY, sliding: kind === 'api', ...overrides,
  };
}

/** What Redis hands back: every value a string. */
const stored = (fields: Record<string, string | number>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));

const variants: [string, TokenRecord][] = [
  ['a sliding api token', record('api')],
  ['one used, capped and acting for someone else', record('api', { subject: 'svc-account', lastUsedAt: 1_796_000_100_000, expiresCap: 1_796_000_000_123 + 90 * DAY })],
  ['an install token without scopes', record('install', { scopes: [], ttl: 365 * DAY, expiresAt: 1_796_000_000_123 + 365 * DAY })],
  ['an access token of a client', record('access', { createdBy: 'cl_1', subject: 'alice', clientId: 'cl_1', ttl: 3_600_000, expiresAt: 1_796_003_600_123 })],
  ['a revoked token', record('api', { revokedAt: 1_796_000_200_000 })],
  ['a token that never expires', record('install', { expiresAt: null })],
];

describe('token records as Redis hashes', () => {
  it.each(variants)('reads back %s as written', (_, r) => {
    expect(fromHash(r.id, stored(toHash(r)))).toEqual(r);
  });

  it.each(variants)('reads %s written by the previous release (v1)', (_, r) => {
    expect(fromHash(r.id, stored(v1TokenFields(r)))).toEqual(r);
  });

  it.each(variants)('reads back %s written in v3, without a digest beyond what its id spells', (_, r) => {
    const fields = encodeRecord(r, 'v3');
    expect(fields.d ?? fields.h).toBeUndefined();
    const { hash: _digest, ...rest } = r;
    expect(fromHash(r.id, { ...stored(fields), x: '7' })).toEqual(rest);
  });

  it('keeps the digest whole while storing only what the id does not spell', () => {
    const r = record('api');
    const fields = toHash(r);
    expect(fields.h).toBeUndefined();
    expect(r.id.slice(4) + String(fields.d)).toBe(r.hash);
  });

  it('has no record for an empty hash or a revocation written ahead of its token', () => {
    const r = record('api');
    expect(fromHash(r.id, {})).toBeNull();
    expect(fromHash(r.id, { rv: '1796000000000' })).toBeNull();
  });

  it('refuses a record whose id is not derived from its digest, and a v1 or v2 write without the whole digest', () => {
    expect(() => toHash({ ...record('api'), id: 'tok_notfromthedigest0000' })).toThrow(/derived from its digest/);
    const { hash: _digest, ...v3 } = record('api');
    expect(() => encodeRecord(v3, 'v2')).toThrow(/whole digest/);
    expect(() => encodeRecord(v3, 'v1')).toThrow(/whole digest/);
  });
});
