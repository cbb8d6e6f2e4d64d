/** Authentication on the edge: the Bearer credential → a verified Principal, or why not. */
import type { IncomingMessage } from 'node:http';
import { StoreUnavailableError } from '../errors.js';
import type { DecisionReason } from '../ops/metrics.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { principalOf } from '../tokens/principal.js';
import type { Principal } from '../types.js';
import { hasQueryToken, readBearer } from './bearer.js';
import { EDGE_ERRORS, malformed, type EdgeError } from './respond.js';

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: DecisionReason; error: EdgeError };

const QUERY_TOKEN: Authentication = { ok: false, reason: 'malformed', error: EDGE_ERRORS.queryToken };
const MISSING: Authentication = { ok: false, reason: 'missing', error: EDGE_ERRORS.missing };

/**
 * Everything that can be decided without the store: no credential, a malformed one, or a token
 * the local cache holds as live. A string is a token only the store can judge (`verifyToken`).
 */
export function authenticateCached(req: IncomingMessage, query: string, lifecycle: TokenLifecycle): Authentication | string {
  if (hasQueryToken(query)) return QUERY_TOKEN;
  const credential = readBearer(req.rawHeaders);
  if (credential.kind === 'missing') return MISSING;
  if (credential.kind === 'malformed') return { ok: false, reason: 'malformed', error: malformed(credential.description) };
  const principal = lifecycle.verifyCached(credential.token);
  return principal ? { ok: true, principal } : credential.token;
}

/** Verifies a Bearer token against the store (through the cache's shared reads). */
export async function verifyToken(token: string, lifecycle: TokenLifecycle): Promise<Authentication> {
  try {
    const result = await lifecycle.verify(token);
    if (!result.ok) return { ok: false, reason: result.reason, error: EDGE_ERRORS.invalidToken };
    return { ok: true, principal: principalOf(result.record) };
  } catch (err) {
    if (err instanceof StoreUnavailableError) return { ok: false, reason: 'store_unavailable', error: EDGE_ERRORS.storeDown };
    throw err;
  }
}

/** Both steps in one promise, for paths where a synchronous answer buys nothing (upgrades). */
export async function authenticate(req: IncomingMessage, query: string, lifecycle: TokenLifecycle): Promise<Authentication> {
  const known = authenticateCached(req, query, lifecycle);
  return typeof known === 'string' ? verifyToken(known, lifecycle) : known;
}
