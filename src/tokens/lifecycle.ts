/** The token lifecycle: issue, verify, touch (sliding expiry), list and revoke. */
import type { Config } from '../config/schema.js';
import { gatewayError } from '../errors.js';
import type { TokenStore } from '../store/token-store.js';
import type { Clock, Page, Principal, TokenKind, TokenRecord } from '../types.js';
import { generateSecret, hashSecret, parseSecret, provesDigest, tokenIdFromHash } from './format.js';
import type { TokenCache } from './token-cache.js';
import { createTouchSchedule } from './touch-schedule.js';

export interface IssueInput {
  app: string;
  kind: TokenKind;
  name: string;
  scopes: string[];
  subject?: string;
  createdBy: string;
  /** Lifetime in ms; the kind's default when absent. */
  ttl?: number;
  clientId?: string;
  /** Adopt an existing secret (operator-provided bootstrap token) instead of minting one. */
  secret?: string;
}

export type DenyReason = 'unknown' | 'expired' | 'revoked';
export type Verification = { ok: true; record: TokenRecord } | { ok: false; reason: DenyReason };

/** Listeners told about every revocation (local caches, pub/sub to other replicas). */
export type RevocationListener = (record: TokenRecord) => void;

export interface TokenLifecycle {
  issue(input: IssueInput): Promise<{ token: string; record: TokenRecord }>;
  /** Checks shape and checksum first (no store call), then the stored record. Touches on success. */
  verify(raw: string): Promise<Verification>;
  /**
   * `verify` answered from the local cache without a promise: the Principal of a cached, fresh,
   * live token (touched like `verify` does), or undefined when only `verify` can tell.
   */
  verifyCached(raw: string): Principal | undefined;
  /** Verify without recording a use (introspection). */
  inspect(raw: string): Promise<Verification>;
  get(id: string): Promise<TokenRecord | null>;
  list(app: string, cursor: string | undefined, limit: number): Promise<Page<TokenRecord>>;
  revoke(id: string): Promise<TokenRecord | null>;
  /** Revokes every token of an app, and any issued while it runs (app deletion). Returns how many were live. */
  revokeApp(app: string): Promise<number>;
  onRevoke(listener: RevocationListener): void;
}

/** `cache`: the local record cache for `verify` (shared stores only; introspection always reads the store). */
export function createTokenLifecycle(store: TokenStore, config: Config, clock: Clock, cache?: TokenCache): TokenLifecycle {
  const listeners: RevocationListener[] = [];
  const touches = createTouchSchedule(config.tokens.touchInterval);
  const reads = new Map<string, { epoch: number; read: Promise<TokenRecord | null> }>();

  function defaults(kind: TokenKind): { ttl: number; sliding: boolean } {
    if (kind === 'api') return { ttl: config.tokens.ttl, sliding: true };
    if (kind === 'install') return { ttl: config.tokens.installTtl, sliding: false };
    return { ttl: 3_600_000, sliding: false };
  }

  function touchLater(record: TokenRecord, now: number): void {
    if (!touches.due(record, now)) return;
    // Off the request's critical path.
    store.touchToken(record.id, now).then(
      () => touches.succeeded(record.id),
      () => touches.failed(record.id, clock()),
    );
  }

  async function readRecord(id: string, useCache: boolean): Promise<TokenRecord | null> {
    if (!cache || !useCache) return store.getToken(id);
    const cached = cache.get(id);
    // A cached record that looks expired may have been slid by another replica: ask the store.
    if (cached === null || (cached && (cached.revokedAt !== undefined || cached.expiresAt === null || cached.expiresAt > clock()))) return cached;
    const epoch = cache.epoch();
    // Concurrent misses for one token share a read, unless an invalidation came after it began.
    const pending = reads.get(id);
    if (pending && pending.epoch === epoch) return pending.read;
    const started = clock();
    const read = store.getToken(id);
    reads.set(id, { epoch, read });
    try {
      const record = await read;
      cache.set(id, record, started, epoch);
      return record;
    } finally {
      if (reads.get(id)?.read === read) reads.delete(id);
    }
  }

  async function lookup(raw: string, useCache: boolean): Promise<Verification> {
    const kind = parseSecret(raw);
    if (kind === null || kind === 'apiKey' || kind === 'clientSecret') return { ok: false, reason: 'unknown' };
    const hash = hashSecret(raw);
    const id = tokenIdFromHash(hash);
    const record = await readRecord(id, useCache);
    if (!record || record.kind !== kind || !provesDigest(record, hash)) return { ok: false, reason: 'unknown' };
    if (record.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    if (record.expiresAt !== null && record.expiresAt <= clock()) return { ok: false, reason: 'expired' };
    return { ok: true, record };
  }

  async function revoke(id: string): Promise<TokenRecord | null> {
    const record = await store.revokeToken(id, clock());
    cache?.evict(id);
    if (record) for (const listener of listeners) listener(record);
    return record;
  }

  return {
    async issue(input) {
      const now = clock();
      const base = defaults(input.kind);
      const ttl = input.ttl ?? base.ttl;
      const cap = config.tokens.maxLifetime === undefined ? undefined : now + config.tokens.maxLifetime;
      const token = input.secret ?? generateSecret(input.kind);
      if (parseSecret(token) !== input.kind) {
        throw gatewayError('ERR_TG_INVALID_REQUEST', { description: `secret is not a well-formed ${input.kind} token` });
      }
      const hash = hashSecret(token);
      const record: TokenRecord = {
        id: tokenIdFromHash(hash),
        hash,
        name: input.name,
        app: input.app,
        kind: input.kind,
        scopes: [...input.scopes],
        subject: input.subject ?? input.createdBy,
        createdBy: input.createdBy,
        createdAt: now,
        expiresAt: Math.min(now + ttl, cap ?? Number.MAX_SAFE_INTEGER),
        ttl,
        sliding: base.sliding,
      };
      if (cap !== undefined) record.expiresCap = cap;
      if (input.clientId !== undefined) record.clientId = input.clientId;
      await store.putToken(record);
      // An adopted secret may have been presented (and remembered as unknown) before it existed.
      cache?.evict(record.id);
      return { token, record };
    },

    async verify(raw) {
      const result = await lookup(raw, true);
      if (result.ok) touchLater(result.record, clock());
      return result;
    },

    verifyCached(raw) {
      if (!cache) return undefined;
      const kind = parseSecret(raw);
      if (kind === null || kind === 'apiKey' || kind === 'clientSecret') return undefined;
      const hash = hashSecret(raw);
      const now = clock();
      const hit = cache.live(tokenIdFromHash(hash), now);
      if (!hit || hit.record.kind !== kind || !provesDigest(hit.record, hash)) return undefined;
      touchLater(hit.record, now);
      return hit.principal;
    },

    inspect: (raw) => lookup(raw, false),
    get: (id) => store.getToken(id),
    list: (app, cursor, limit) => store.listTokens(app, cursor === undefined ? { limit } : { cursor, limit }),
    revoke,

    async revokeApp(app) {
      let count = 0;
      // Closed first, so a token issued during the deletion is refused or born revoked.
      for (const id of await store.closeApp(app)) if (await revoke(id)) count++;
      return count;
    },

    onRevoke(listener) {
      listeners.push(listener);
    },
  };
}
