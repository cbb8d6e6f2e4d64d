/** The JSON the admin API shows for records: ISO times, seconds for durations, never a hash or secret. */
import type { ApiKeyRecord, ClientRecord } from '../store/client-store.js';
import type { AppRecord, TokenRecord } from '../types.js';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const seconds = (ms: number): number => Math.round(ms / 1000);

export function tokenView(r: TokenRecord) {
  return {
    id: r.id,
    name: r.name,
    app: r.app,
    kind: r.kind,
    scopes: r.scopes,
    subject: r.subject,
    ...(r.clientId !== undefined ? { clientId: r.clientId } : {}),
    createdBy: r.createdBy,
    createdAt: iso(r.createdAt),
    lastUsedAt: iso(r.lastUsedAt),
    expiresAt: iso(r.expiresAt),
    ttl: seconds(r.ttl),
    sliding: r.sliding,
  };
}

export function appView(a: AppRecord) {
  return {
    id: a.id,
    name: a.name,
    scopes: a.scopes,
    origins: a.origins,
    createdAt: iso(a.createdAt),
    ...(a.tokenTtl !== undefined ? { tokenTtl: seconds(a.tokenTtl) } : {}),
  };
}

/** The admin view of a client: never the secret hash. */
export function clientView(c: ClientRecord) {
  return {
    client_id: c.id,
    app: c.app,
    name: c.name,
    type: c.type,
    ...(c.owner !== undefined ? { owner: c.owner } : {}),
    ...(c.role !== undefined ? { role: c.role } : {}),
    auth: c.auth,
    scopes: c.scopes,
    tokenTtl: seconds(c.tokenTtl),
    maxActiveTokens: c.maxActiveTokens,
    ...(c.assertionMaxLifetime !== undefined ? { assertionMaxLifetime: seconds(c.assertionMaxLifetime) } : {}),
    onTokenCap: c.onTokenCap,
    ...(c.jwks ? { jwks: { keys: c.jwks } } : {}),
    ...(c.jwksUri ? { jwks_uri: c.jwksUri } : {}),
    createdBy: c.createdBy,
    createdAt: iso(c.createdAt),
  };
}

/** The admin view of an API key: never the key or its hash. */
export function apiKeyView(k: ApiKeyRecord) {
  return { id: k.id, app: k.app, name: k.name, scopes: k.scopes, tokenTtl: seconds(k.tokenTtl), createdBy: k.createdBy, createdAt: iso(k.createdAt) };
}
