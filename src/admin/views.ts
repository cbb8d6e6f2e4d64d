/** The JSON the admin API shows for records: ISO times, seconds for durations, never a hash or secret. */
import type { AppRecord, TokenRecord } from '../types.js';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

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
    ttl: Math.round(r.ttl / 1000),
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
    ...(a.tokenTtl !== undefined ? { tokenTtl: Math.round(a.tokenTtl / 1000) } : {}),
  };
}
