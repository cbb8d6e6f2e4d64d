/**
 * A token record as a Redis hash, in either layout: v1 (what releases before the smaller record wrote,
 * and what this one writes until `store.recordLayout: v2`) and v2. Both are always read, so a rolling
 * upgrade never meets a record it cannot read: switch to v2 once no replica of an older release is left.
 *
 * v1: h (whole base64url digest), n, a, k (api|install|access), s, u, cb, c, t, sl (1|0), ex, cap, ci, lu, rv.
 * v2: d (the digest after the part the id already spells, so its presence marks v2), n, a,
 *     k (a|i|o), s, u (only when not the creator), b (creator), c, t, sl (only when sliding),
 *     ex, cap, ci, lu, rv.
 * Fields the Lua scripts read (c, t, sl, ex, cap, lu, rv) mean the same in both layouts.
 */
import type { TokenKind, TokenRecord } from '../types.js';

const ID_HEAD = 'tok_';
const LETTER: Record<TokenKind, string> = { api: 'a', install: 'i', access: 'o' };
const KIND_OF_LETTER: Record<string, TokenKind> = { a: 'api', i: 'install', o: 'access' };

export type RecordLayout = 'v1' | 'v2';

/** The record's fields in the layout asked for. */
export function encodeRecord(r: TokenRecord, layout: RecordLayout): Record<string, string | number> {
  return layout === 'v2' ? toHash(r) : toV1Hash(r);
}

/** The fields both layouts share, under the same names: the ones the Lua scripts read and write. */
function withLifecycle(h: Record<string, string | number>, r: TokenRecord): Record<string, string | number> {
  if (r.expiresAt !== null) h.ex = r.expiresAt;
  if (r.expiresCap !== undefined) h.cap = r.expiresCap;
  if (r.clientId !== undefined) h.ci = r.clientId;
  if (r.lastUsedAt !== undefined) h.lu = r.lastUsedAt;
  if (r.revokedAt !== undefined) h.rv = r.revokedAt;
  return h;
}

/** The v1 fields, which every release reads. */
function toV1Hash(r: TokenRecord): Record<string, string | number> {
  const h: Record<string, string | number> = {
    h: r.hash, n: r.name, a: r.app, k: r.kind, s: r.scopes.join(' '), u: r.subject, cb: r.createdBy, c: r.createdAt, t: r.ttl, sl: r.sliding ? 1 : 0,
  };
  return withLifecycle(h, r);
}

/** The v2 fields of a record. Throws when the id is not derived from the digest (a programming error). */
export function toHash(r: TokenRecord): Record<string, string | number> {
  const spelled = r.id.slice(ID_HEAD.length);
  if (!r.id.startsWith(ID_HEAD) || !r.hash.startsWith(spelled)) throw new Error('a token id must be derived from its digest');
  const h: Record<string, string | number> = {
    d: r.hash.slice(spelled.length), n: r.name, a: r.app, k: LETTER[r.kind], b: r.createdBy, c: r.createdAt, t: r.ttl,
  };
  if (r.scopes.length > 0) h.s = r.scopes.join(' ');
  if (r.subject !== r.createdBy) h.u = r.subject;
  if (r.sliding) h.sl = 1;
  return withLifecycle(h, r);
}

/** The record in either layout; null when there is none (nothing, or only a revocation ahead of its write). */
export function fromHash(id: string, h: Record<string, string>): TokenRecord | null {
  const v2 = h.d !== undefined;
  const hash = v2 ? id.slice(ID_HEAD.length) + h.d : h.h;
  const kind = v2 ? KIND_OF_LETTER[h.k ?? ''] : (h.k as TokenKind | undefined);
  if (hash === undefined || h.c === undefined || kind === undefined) return null;
  const createdBy = (v2 ? h.b : h.cb) ?? '';
  const record: TokenRecord = {
    id, hash, name: h.n ?? '', app: h.a ?? '', kind,
    scopes: h.s ? h.s.split(' ') : [], subject: h.u ?? createdBy, createdBy,
    createdAt: Number(h.c), expiresAt: h.ex === undefined ? null : Number(h.ex),
    ttl: Number(h.t ?? 0), sliding: h.sl === '1',
  };
  if (h.cap !== undefined) record.expiresCap = Number(h.cap);
  if (h.ci !== undefined) record.clientId = h.ci;
  if (h.lu !== undefined) record.lastUsedAt = Number(h.lu);
  if (h.rv !== undefined) record.revokedAt = Number(h.rv);
  return record;
}
