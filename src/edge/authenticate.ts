/** Authentication on the edge: the Bearer credential → a verified Principal, or why not. */
import type { IncomingMessage } from 'node:http';
import { StoreUnavailableError } from '../errors.js';
import type { DecisionReason } from '../ops/metrics.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { Principal, TokenRecord } from '../types.js';
import { hasQueryToken, readBearer } from './bearer.js';
import { EDGE_ERRORS, malformed, type EdgeError } from './respond.js';

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: DecisionReason; error: EdgeError };

export function principalOf(record: TokenRecord): Principal {
  const principal: Principal = { tokenId: record.id, app: record.app, kind: record.kind, scopes: record.scopes, subject: record.subject };
  if (record.clientId !== undefined) principal.clientId = record.clientId;
  return principal;
}

export async function authenticate(req: IncomingMessage, query: string, lifecycle: TokenLifecycle): Promise<Authentication> {
  if (hasQueryToken(query)) return { ok: false, reason: 'malformed', error: EDGE_ERRORS.queryToken };
  const credential = readBearer(req.rawHeaders);
  if (credential.kind === 'missing') return { ok: false, reason: 'missing', error: EDGE_ERRORS.missing };
  if (credential.kind === 'malformed') return { ok: false, reason: 'malformed', error: malformed(credential.description) };
  try {
    const result = await lifecycle.verify(credential.token);
    if (!result.ok) return { ok: false, reason: result.reason, error: EDGE_ERRORS.invalidToken };
    return { ok: true, principal: principalOf(result.record) };
  } catch (err) {
    if (err instanceof StoreUnavailableError) return { ok: false, reason: 'store_unavailable', error: EDGE_ERRORS.storeDown };
    throw err;
  }
}
