/**
 * State of the token service: OAuth clients, API keys, single-use assertion ids and the live
 * access tokens each holder (client or API key) has, for `maxActiveTokens`. Two implementations
 * keep one contract (test/store/client-store.contract.ts): memory and Redis.
 */
import type { JWK } from 'jose';

export type ClientType = 'personal' | 'service';
export type ClientAuth = 'client_secret' | 'private_key_jwt';

/** A public signing key of a client, with the one algorithm it may be used with. */
export type ClientKey = JWK & { kid: string; alg: string };

export interface ClientRecord {
  id: string;
  app: string;
  name: string;
  type: ClientType;
  /** Who a personal client acts as. */
  owner?: string;
  /** The service account role of a service client. */
  role?: string;
  auth: ClientAuth;
  /** base64url SHA-256 of the client secret (client_secret clients). */
  secretHash?: string;
  /** Inline public keys (private_key_jwt). */
  jwks?: ClientKey[];
  jwksUri?: string;
  scopes: string[];
  /** Access token lifetime, ms. */
  tokenTtl: number;
  maxActiveTokens: number;
  /** Longest accepted `exp - iat` of an assertion, ms; absent, each path applies its own default. */
  assertionMaxLifetime?: number;
  onTokenCap: 'reject' | 'revoke_oldest';
  createdBy: string;
  createdAt: number;
}

/** An app secret exchanged at the key endpoint for access tokens. */
export interface ApiKeyRecord {
  id: string;
  app: string;
  name: string;
  /** base64url SHA-256 of the key. */
  hash: string;
  scopes: string[];
  /** Lifetime of the access tokens it yields, ms. */
  tokenTtl: number;
  createdBy: string;
  createdAt: number;
}

/** The outcome of asking for a token slot: refused when the holder is at its cap, or closed (being deleted). */
export type Admission = { admitted: true; evicted: string[] } | { admitted: false; closed: boolean };

export interface ClientStore {
  /** ConflictError when the id is taken. */
  createClient(client: ClientRecord): Promise<void>;
  getClient(id: string): Promise<ClientRecord | null>;
  listClients(app: string): Promise<ClientRecord[]>;
  /** Replaces an existing client (secret rotation); false when it does not exist. */
  updateClient(client: ClientRecord): Promise<boolean>;
  /** Removes the record; the active-token set stays until `forgetHolder` so it can be revoked. */
  deleteClient(id: string): Promise<ClientRecord | null>;

  createApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  listApiKeys(app: string): Promise<ApiKeyRecord[]>;
  deleteApiKey(id: string): Promise<ApiKeyRecord | null>;

  /**
   * Claims an assertion id (already hashed and bounded) for a client until `until` (epoch ms).
   * True for the first claim; false for every later one while it is held, on any replica.
   */
  claimJti(clientId: string, jtiHash: string, until: number): Promise<boolean>;
  /**
   * Atomically: unless the holder is closed, forget its tokens expired by `now`; if fewer than
   * `max` remain, add this one. With `evictOldest`, a full set gives up its oldest entries instead (returned, for
   * the caller to revoke).
   */
  admitToken(holder: string, tokenId: string, expiresAt: number, max: number, now: number, evictOldest: boolean): Promise<Admission>;
  /** Frees a token's slot (revoked, or never issued after all). */
  releaseToken(holder: string, tokenId: string): Promise<void>;
  /** Ids of the holder's tokens that have not expired by `now`. */
  activeTokens(holder: string, now: number): Promise<string[]>;
  /**
   * Starts a holder's deletion: every later admitToken is refused (closed) for a tombstone
   * period. Returns the id of every token it holds, including those whose issuance is still in
   * flight, for the caller to revoke.
   */
  closeHolder(holder: string): Promise<string[]>;
  /** Drops the holder's token set once its tokens are revoked. */
  forgetHolder(holder: string): Promise<void>;
}
