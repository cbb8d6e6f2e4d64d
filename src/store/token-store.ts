/**
 * The one extension point for state. Two implementations keep the same contract
 * (test/store/contract.ts): memory (embedded, single process) and Redis (shared by replicas).
 * Every implementation throws StoreUnavailableError when it cannot answer in time, never hangs.
 */
import type { AppRecord, Page, TokenRecord } from '../types.js';

export interface ListOptions {
  cursor?: string;
  limit: number;
}

export interface TokenStore {
  readonly driver: 'memory' | 'redis';
  /** Waits up to `timeoutMs` for the connection; true when connected. Never rejects. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** ConflictError when the id is taken. */
  createApp(app: AppRecord): Promise<void>;
  getApp(id: string): Promise<AppRecord | null>;
  listApps(): Promise<AppRecord[]>;
  /** Replaces an existing app; false when it does not exist. */
  updateApp(app: AppRecord): Promise<boolean>;
  /** Removes the app record only; the caller closes it and revokes its tokens first. */
  deleteApp(id: string): Promise<boolean>;
  /**
   * Starts an app's deletion: from now on putToken refuses its tokens (NotFoundError) until the
   * app is created again. Returns the id of every token of the app, including those whose
   * issuance is still in flight, for the caller to revoke (revokeToken revokes those ahead).
   */
  closeApp(id: string): Promise<string[]>;

  /**
   * Stores a new token record (ids are unique by construction, and derived from the digest:
   * tokenIdFromHash). Names of admin-made tokens
   * (kinds api, install) are unique among an app's live tokens: ConflictError otherwise.
   */
  putToken(record: TokenRecord): Promise<void>;
  /** The record by id, including revoked ones still held as tombstones. */
  getToken(id: string): Promise<TokenRecord | null>;
  /** Live (not revoked) tokens of an app, oldest first. */
  listTokens(app: string, options: ListOptions): Promise<Page<TokenRecord>>;
  /**
   * Marks the token revoked atomically; returns the record as it was when live, or null. An id
   * with no record yet is revoked ahead: a record written later under it is born revoked.
   */
  revokeToken(id: string, at: number): Promise<TokenRecord | null>;
  /**
   * Records a use: `lastUsedAt = now` and, for sliding tokens,
   * `expiresAt = max(expiresAt, min(now + ttl, expiresCap))`. Atomic; a revoked, expired or
   * missing token is left alone (a touch never resurrects). Returns whether it applied.
   */
  touchToken(id: string, now: number): Promise<boolean>;
}

/** How long revoked and expired records are kept, so a refused request can say why. */
export const TOMBSTONE_MS = 86_400_000;
/** How long an index entry may wait for its record (an issuance in flight) before it counts as dangling. */
export const PENDING_MS = 60_000;
export const MAX_PAGE = 500;

/** Cursor over (createdAt, id), opaque to callers. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^(\d{1,16}):(tok_[A-Za-z0-9_-]{1,64})$/.exec(text);
  return m ? { createdAt: Number(m[1]), id: m[2]! } : null;
}
