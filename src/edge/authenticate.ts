/** Authentication on the edge: the Bearer credential → a verified Principal, or why not. */
import { StoreUnavailableError, type ErrorFields } from '../errors.js';
import type { DecisionReason } from '../ops/metrics.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { principalOf } from '../tokens/principal.js';
import type { Principal } from '../types.js';
import { readBearer } from './bearer.js';
import { malformedCredential, REFUSALS } from './refusals.js';

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: DecisionReason; error: ErrorFields };

const MISSING: Authentication = { ok: false, reason: 'missing', error: REFUSALS.missing };
const INVALID: Record<string, Authentication> = {};
const STORE_DOWN: Authentication = { ok: false, reason: 'store_unavailable', error: REFUSALS.storeDown };

function invalid(reason: DecisionReason): Authentication {
  return (INVALID[reason] ??= { ok: false, reason, error: REFUSALS.invalidToken });
}

/**
 * Everything that can be decided without the store: no credential, a malformed one, or a token the
 * local cache holds as live. A string is a token only the store can judge (`verifyToken`).
 */
export function authenticateCached(rawHeaders: readonly string[], lifecycle: TokenLifecycle): Authentication | string {
  const credential = readBearer(rawHeaders);
  if (credential.kind === 'missing') return MISSING;
  if (credential.kind === 'malformed') return { ok: false, reason: 'malformed', error: malformedCredential(credential.description) };
  const principal = lifecycle.verifyCached(credential.token);
  return principal ? { ok: true, principal } : credential.token;
}

/** Verifies a Bearer token against the store (through the cache's shared reads). */
export async function verifyToken(token: string, lifecycle: TokenLifecycle): Promise<Authentication> {
  try {
    const result = await lifecycle.verify(token);
    if (!result.ok) return invalid(result.reason);
    return { ok: true, principal: principalOf(result.record) };
  } catch (err) {
    if (err instanceof StoreUnavailableError) return STORE_DOWN;
    throw err;
  }
}
