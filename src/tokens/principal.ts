/** The caller a verified token stands for, as the edge and the admin API see it. */
import type { Principal, TokenRecord } from '../types.js';

/** Frozen, so one Principal can be shared by every request that presents the same cached token. */
export function principalOf(record: TokenRecord): Principal {
  const principal: Principal = { tokenId: record.id, app: record.app, kind: record.kind, scopes: record.scopes, subject: record.subject };
  if (record.clientId !== undefined) principal.clientId = record.clientId;
  return Object.freeze(principal);
}
