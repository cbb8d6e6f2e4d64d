/** The vocabulary shared by every part of tollgate. */

export type TokenKind = 'api' | 'install' | 'access';
export const TOKEN_KINDS: readonly TokenKind[] = ['api', 'install', 'access'];

/** An RP application: tokens are bound to exactly one. */
export interface AppRecord {
  id: string;
  name: string;
  scopes: string[];
  origins: string[];
  createdAt: number;
  /** Default lifetime (ms) for api tokens of this app; falls back to `tokens.ttl`. */
  tokenTtl?: number;
}

/** What the store keeps about a token. The raw token is never part of it. */
export interface TokenRecord {
  id: string;
  /**
   * base64url SHA-256 of the raw token string; absent when the store keeps only the part the id
   * spells (store.recordLayout v3), which the id itself proves (provesDigest).
   */
  hash?: string;
  name: string;
  app: string;
  kind: TokenKind;
  scopes: string[];
  subject: string;
  clientId?: string;
  createdBy: string;
  createdAt: number;
  lastUsedAt?: number;
  /** Epoch ms; null for tokens that never expire. */
  expiresAt: number | null;
  /** Sliding window in ms (0 when not sliding). */
  ttl: number;
  sliding: boolean;
  /** Hard cap on `expiresAt` that no amount of use extends (epoch ms). */
  expiresCap?: number;
  revokedAt?: number;
}

/** The public view of a token record (never carries the hash). */
export type TokenView = Omit<TokenRecord, 'hash'>;

/** Who a verified token acts as; what the edge adds as identity headers. */
export interface Principal {
  tokenId: string;
  app: string;
  kind: TokenKind;
  scopes: readonly string[];
  subject: string;
  clientId?: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  next?: string;
}

/** Milliseconds since the epoch; injectable so expiry logic can be tested with a frozen clock. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

export const ADMIN_APP_ID = 'tollgate-admin';
export const ADMIN_SCOPES = ['admin.read', 'admin.apps', 'admin.tokens', 'admin.clients'] as const;
