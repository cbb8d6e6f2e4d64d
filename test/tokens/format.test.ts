import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, parseSecret, provesDigest, SECRET_LENGTH, tokenIdFromHash } from '../../src/tokens/format.js';

describe('token format', () => {
  it('generates tg_<letter>_ secrets of a fixed length that parse back to their kind', () => {
    for (const [kind, letter] of [['api', 'a'], ['install', 'i'], ['access', 'o'], ['apiKey', 'k'], ['clientSecret', 's']] as const) {
      const secret = generateSecret(kind);
      expect(secret.startsWith(`tg_${letter}_`)).toBe(true);
      expect(secret).toHaveLength(SECRET_LENGTH);
      expect(parseSecret(secret)).toBe(kind);
    }
  });

  it('never repeats (256 bits of randomness)', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateSecret('api')));
    expect(seen.size).toBe(1000);
  });

  it('rejects a changed character, a changed kind letter, truncation and garbage', () => {
    const secret = generateSecret('api');
    const changed = secret.slice(0, 20) + (secret[20] === 'x' ? 'y' : 'x') + secret.slice(21);
    expect(parseSecret(changed)).toBeNull();
    expect(parseSecret(`tg_i_${secret.slice(5)}`)).toBeNull();
    expect(parseSecret(secret.slice(0, -1))).toBeNull();
    expect(parseSecret('tg_a_' + 'A'.repeat(49))).toBeNull();
    expect(parseSecret('')).toBeNull();
  });

  it('hashes to base64url SHA-256 and derives a public id from the hash', () => {
    const hash = hashSecret('tg_a_x');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenIdFromHash(hash)).toBe(`tok_${hash.slice(0, 22)}`);
  });

  it('proves a secret by the whole stored digest, or by the id alone when no digest is stored', () => {
    const digest = hashSecret(generateSecret('api'));
    const other = hashSecret(generateSecret('api'));
    expect(provesDigest({ id: tokenIdFromHash(digest), hash: digest }, digest)).toBe(true);
    expect(provesDigest({ id: tokenIdFromHash(digest), hash: other }, digest)).toBe(false);
    expect(provesDigest({ id: tokenIdFromHash(digest) }, digest)).toBe(true);
    expect(provesDigest({ id: tokenIdFromHash(other) }, digest)).toBe(false);
  });
});
