/**
 * Token strings: `tg_<letter>_<43 url-safe chars of 32 random bytes><6-char base62 CRC-32>`.
 * The prefix makes leaked secrets findable by scanners; the checksum rejects typos and garbage
 * before any store lookup.
 */
import { hash, randomFillSync, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { TokenKind } from '../types.js';

/** Every kind of secret tollgate mints, each with its own letter so one never passes for another. */
export type SecretKind = TokenKind | 'apiKey' | 'clientSecret';

const LETTER: Record<SecretKind, string> = { api: 'a', install: 'i', access: 'o', apiKey: 'k', clientSecret: 's' };
const KIND_OF_LETTER = new Map(Object.entries(LETTER).map(([kind, letter]) => [letter, kind as SecretKind]));
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 43;
const CHECKSUM_CHARS = 6;
/** Length of every well-formed secret: `tg_x_` + random + checksum. */
export const SECRET_LENGTH = 5 + RANDOM_CHARS + CHECKSUM_CHARS;
const SHAPE = /^tg_([a-z])_([A-Za-z0-9_-]{43})([0-9A-Za-z]{6})$/;

function checksum(body: string): string {
  let n = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const SECRET_BYTES = 32;
/**
 * Random bytes for 128 secrets, drawn from the system generator at once (as node:crypto's randomUUID
 * pools its entropy): one call per secret cost a grant about 4% of its CPU. Each span is used once
 * and zeroed as it is taken.
 */
const pool = Buffer.alloc(SECRET_BYTES * 128);
let taken = pool.length;

function randomBase64url(): string {
  if (taken === pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  const text = pool.toString('base64url', taken, taken + SECRET_BYTES);
  pool.fill(0, taken, taken + SECRET_BYTES);
  taken += SECRET_BYTES;
  return text;
}

/** A new secret of the given kind: 256 bits of randomness plus prefix and checksum. */
export function generateSecret(kind: SecretKind): string {
  const body = `tg_${LETTER[kind]}_${randomBase64url()}`;
  return body + checksum(body);
}

/** The kind a well-formed secret claims, or null when its shape or checksum is wrong. */
export function parseSecret(value: string): SecretKind | null {
  if (value.length !== SECRET_LENGTH) return null;
  const m = SHAPE.exec(value);
  if (!m) return null;
  const kind = KIND_OF_LETTER.get(m[1]!);
  if (!kind) return null;
  return checksum(value.slice(0, 5 + RANDOM_CHARS)) === m[3] ? kind : null;
}

/** What the store keeps instead of the secret: base64url SHA-256 of the whole string. */
export function hashSecret(value: string): string {
  // One-shot hashing: no Hash object per request on the hot path.
  return hash('sha256', value, 'base64url');
}

/** The public handle of a token, derived from its hash so one store read finds the record. */
export function tokenIdFromHash(hash: string): string {
  return `tok_${hash.slice(0, 22)}`;
}

/**
 * Whether a record found under the id of a presented secret's digest belongs to that secret. A record
 * with its whole digest must match it all; one without (v3) is proved by its id, which spells 132 bits
 * of the digest: finding a second secret with the same 132 bits is out of reach.
 */
export function provesDigest(record: { id: string; hash?: string }, digest: string): boolean {
  return record.hash === undefined ? record.id === tokenIdFromHash(digest) : sameDigest(record.hash, digest);
}

/** Constant-time comparison of two base64url digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
