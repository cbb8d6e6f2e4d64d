/**
 * What a client assertion's claims may say, per path: RFC 7523 as draft-ietf-oauth-rfc7523bis
 * tightens it on `/oauth/token`, and HYPR's JWTCreator as HYPR documents it on the HYPR exchange
 * path (`compat.hypr`). Signature, `exp`, `jti` and the key's own algorithm are checked alike on both.
 */
import type { JWTPayload } from 'jose';
import type { Config } from '../config/schema.js';
import type { ClientRecord } from '../store/client-store.js';

/** SPEC section 4: no assertion lives longer than this, whatever a client is configured with. */
export const ASSERTION_LIFETIME_CAP = 24 * 3_600_000;

/** `/oauth/token`'s limit for a client that sets no `assertionMaxLifetime`. */
const STRICT_DEFAULT_LIFETIME = 600_000;

export interface AssertionPolicy {
  /** `iss` may be the client id, or (HYPR) one of the configured HYPR issuer strings. */
  issuerOk(iss: JWTPayload['iss'], clientId: string): boolean;
  audienceOk(aud: JWTPayload['aud']): boolean;
  /** Longest accepted `exp - iat` for this client, ms. */
  maxLifetime(client: ClientRecord): number;
  /** An unknown `kid` is a hint: the client's other registered keys are tried (bounded). */
  kidIsHint: boolean;
}

/** `/oauth/token`: `iss` = client id; `aud` the issuer as its sole value (legacy forms behind a flag). */
export function strictPolicy(config: Config): AssertionPolicy {
  const issuer = config.issuer;
  const legacyAudiences = new Set([issuer, `${issuer.replace(/\/+$/, '')}/oauth/token`]);
  return {
    issuerOk: (iss, clientId) => iss === clientId,
    audienceOk(aud) {
      if (aud === issuer) return true;
      if (!config.compat.legacyAssertionAudience) return false;
      return typeof aud === 'string' ? legacyAudiences.has(aud) : Array.isArray(aud) && aud.some((a) => legacyAudiences.has(a));
    },
    maxLifetime: (client) => Math.min(client.assertionMaxLifetime ?? STRICT_DEFAULT_LIFETIME, ASSERTION_LIFETIME_CAP),
    kidIsHint: false,
  };
}

/**
 * The HYPR exchange path: JWTCreator signs with `iss` = `aud` = `https://hypr.com` (configurable),
 * a random `kid` and a default lifetime of one hour: a client that sets no limit gets
 * `compat.hyprAssertion.maxLifetime` (1 h) there, one that sets a limit gets exactly it; never over 24 h.
 */
export function hyprPolicy(config: Config): AssertionPolicy {
  const strict = strictPolicy(config);
  const { issuers, audiences, maxLifetime } = config.compat.hyprAssertion;
  return {
    issuerOk: (iss, clientId) => iss === clientId || (typeof iss === 'string' && issuers.includes(iss)),
    audienceOk: (aud) => strict.audienceOk(aud) || (typeof aud === 'string' && audiences.includes(aud)),
    maxLifetime: (client) => Math.min(client.assertionMaxLifetime ?? maxLifetime, ASSERTION_LIFETIME_CAP),
    kidIsHint: true,
  };
}
