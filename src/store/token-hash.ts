/**
 * A token record as a Redis hash, in one of three layouts, all always read, so a rolling upgrade never
 * meets a record it cannot read. Releases before v2 read only v1; the release before this one reads v1
 * and v2; v3 is read from this release on (store.recordLayout says which one is written).
 *
 * v1: h (whole base64url digest), n, a, k (api|install|access), s, u, cb, c, t, sl (1|0), ex, cap, ci, lu, rv.
 * v2: d (the digest after the part the id already spells, so its presence marks v2), n, a,
 *     k (a|i|o), s, u (only when not the creator), b (creator), c, t, sl (only when sliding),
 *     ex, cap, ci, lu, rv.
 * v3: v2 without d: the id spells 132 bits of the digest, which a record found by it already proves.
 * Any layout may carry x (the app index bucket holding the id, redis-app-index.ts).
 * Fields the Lua scripts read (c, t, sl, ex, cap, lu, rv) mean the same in every layout.
 */
import { TOKEN_KINDS, type TokenKind, type TokenRecord } from '../types.js';

const ID_HEAD = 'tok_';
const LETTER: Record<TokenKind, string> = { api: 'a', install: 'i', access: 'o' };
const KIND_OF_LETTER: Record<string, TokenKind> = { a: 'api', i: 'install', o: 'access' };

export type RecordLayout = 'v1' | 'v2' | 'v3';

/** The record's fields in the layout asked for. */
export function encodeRecord(r: TokenRecord, layout: RecordLayout): Record<string, string | number> {
  if (layout === 'v1') return toV1Hash(r);
  const h = toHash(r);
  if (layout === 'v3') delete h.d;
  return h;
}

/** The fields every layout shares, under the same names: the ones the Lua scripts read and write. */
function withLifecycle(h: Record<string, string | number>, r: TokenRecord): Record<string, string | number> {
  if (r.expiresAt !== null) h.ex = r.expiresAt;
  if (r.expiresCap !== undefined) h.cap = r.expiresCap;
  if (r.clientId !== undefined) h.ci = r.clientId;
  if (r.lastUsedAt !== undefined) h.lu = r.lastUsedAt;
  if (r.revokedAt !== undefined) h.rv = r.revokedAt;
  return h;
}

/** The whole digest, which v1 and v2 keep. Throws for a record that has only what its id spells (a programming error). */
function wholeDigest(r: TokenRecord): string {
  if (r.hash === undefined) throw new Error('only a v3 record can be written without the whole digest');
  return r.hash;
}

/** The v1 fields, which every release reads. */
function toV1Hash(r: TokenRecord): Record<string, string | number> {
  const h: Record<string, string | number> = {
    h: wholeDigest(r), n: r.name, a: r.app, k: r.kind, s: r.scopes.join(' '), u: r.subject, cb: r.createdBy, c: r.createdAt, t: r.ttl, sl: r.sliding ? 1 : 0,
  };
  return withLifecycle(h, r);
}

/** The v2 fields of a record. Throws when the id is not derived from the digest (a programming error). */
export function toHash(r: TokenRecord): Record<string, string | number> {
  const spelled = r.id.slice(ID_HEAD.length);
  const digest = wholeDigest(r);
  if (!r.id.startsWith(ID_HEAD) || !digest.startsWith(spelled)) throw new Error('a token id must be derived from its digest');
  const h: Record<string, string | number> = {
    d: digest.slice(spelled.length), n: r.name, a: r.app, k: LETTER[r.kind], b: r.createdBy, c: r.createdAt, t: r.ttl,
  };
  if (r.scopes.length > 0) h.s = r.scopes.join(' ');
  if (r.subject !== r.createdBy) h.u = r.subject;
  if (r.sliding) h.sl = 1;
  return withLifecycle(h, r);
}

/** The record in any layout; null when there is none (nothing, or only a revocation ahead of its write). */
export function fromHash(id: string, h: Record<string, string>): TokenRecord | null {
  const v1 = h.h !== undefined;
  const kind = v1 ? (h.k as TokenKind | undefined) : KIND_OF_LETTER[h.k ?? ''];
  if (h.c === undefined || kind === undefined || (v1 && !TOKEN_KINDS.includes(kind))) return null;
  const createdBy = (v1 ? h.cb : h.b) ?? '';
  const record: TokenRecord = {
    id, name: h.n ?? '', app: h.a ?? '', kind,
    scopes: h.s ? h.s.split(' ') : [], subject: h.u ?? createdBy, createdBy,
    createdAt: Number(h.c), expiresAt: h.ex === undefined ? null : Number(h.ex),
    ttl: Number(h.t ?? 0), sliding: h.sl === '1',
  };
  // A v3 record keeps no digest of its own: its id is what proves a secret (provesDigest).
  if (v1) record.hash = h.h;
  else if (h.d !== undefined) record.hash = id.slice(ID_HEAD.length) + h.d;
  if (h.cap !== undefined) record.expiresCap = Number(h.cap);
  if (h.ci !== undefined) record.clientId = h.ci;
  if (h.lu !== undefined) record.lastUsedAt = Number(h.lu);
  if (h.rv !== undefined) record.revokedAt = Number(h.rv);
  return record;
}
