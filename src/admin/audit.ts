/** Audit lines for every create, revoke and delete: who, what, when — never a secret. */
import type { Logger } from '../ops/logger.js';
import type { Principal } from '../types.js';

export interface AuditEntry {
  action: string;
  target: Record<string, string | number | undefined>;
}

export type Audit = (actor: Principal | string, entry: AuditEntry) => void;

export function createAudit(logger: Logger): Audit {
  const log = logger.child({ audit: true });
  return (actor, entry) => {
    const who = typeof actor === 'string' ? { actor } : { actor: actor.subject, actorTokenId: actor.tokenId, actorClientId: actor.clientId };
    log.info({ ...who, action: entry.action, ...entry.target, at: new Date().toISOString() }, `audit ${entry.action}`);
  };
}
