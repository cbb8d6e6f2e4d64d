/**
 * private_key_jwt (RFC 7523, draft-ietf-oauth-rfc7523bis, RFC 8725): the assertion is verified
 * with the claimed client's own registered key chosen by `kid`, under that key's one algorithm,
 * then its `jti` is claimed once across every replica. Every failure is invalid_client 1201047.
 */
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config/schema.js';
import type { ClientKey, ClientRecord, ClientStore } from '../store/client-store.js';
import type { Clock } from '../types.js';
import { createClientKeyCache } from './client-key-cache.js';
import { ASSERTION_ALGS, MAX_KID_LENGTH } from './client-keys.js';
import { MAX_CLIENT_ID_LENGTH } from './client-secret-auth.js';
import type { JwksCache } from './jwks-cache.js';
import { badAssertion } from './oauth-errors.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const MAX_ASSERTION_LENGTH = 8_192;
const MAX_JTI_LENGTH = 256;
const ALGS = new Set<string>(ASSERTION_ALGS);

export interface AssertionDeps {
  clients: ClientStore;
  jwks: JwksCache;
  config: Config;
  clock: Clock;
}

export type AssertionVerifier = (assertion: string, clientIdParam: string | undefined) => Promise<ClientRecord>;

export function createAssertionVerifier({ clients, jwks, config, clock }: AssertionDeps): AssertionVerifier {
  const issuer = config.issuer;
  const legacyAudiences = new Set([issuer, `${issuer.replace(/\/+$/, '')}/oauth/token`]);
  const skewSeconds = Math.round(config.clock.skew / 1000);
  const imported = createClientKeyCache();

  function audienceOk(aud: JWTPayload['aud']): boolean {
    if (aud === issuer) return true;
    if (!config.compat.legacyAssertionAudience) return false;
    return typeof aud === 'string' ? legacyAudiences.has(aud) : Array.isArray(aud) && aud.some((a) => legacyAudiences.has(a));
  }

  async function keyFor(client: ClientRecord, kid: string): Promise<ClientKey | null> {
    if (client.jwks) return client.jwks.find((k) => k.kid === kid) ?? null;
    if (!client.jwksUri) return null;
    try {
      return await jwks.key(client.jwksUri, kid);
    } catch {
      throw badAssertion('the client keys could not be fetched from its jwks_uri');
    }
  }

  return async (assertion, clientIdParam) => {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw badAssertion('client assertion too large');
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      unverified = decodeJwt(assertion);
    } catch {
      throw badAssertion('client assertion is not a signed JWT');
    }
    if (typeof header.alg !== 'string' || !ALGS.has(header.alg)) throw badAssertion(`alg must be one of ${ASSERTION_ALGS.join(', ')}`);
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > MAX_KID_LENGTH) throw badAssertion('kid header required');
    // A `cty` announces a nested JWT (RFC 7519 5.2); an assertion is only ever the claims themselves.
    if (header.cty !== undefined) throw badAssertion('nested JWTs are not accepted');
    const clientId = unverified.sub;
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH) throw badAssertion('sub must be the client id');
    if (unverified.iss !== clientId) throw badAssertion('iss must equal sub (the client id)');
    if (clientIdParam !== undefined && clientIdParam !== clientId) throw badAssertion('client_id does not match the assertion');

    const client = await clients.getClient(clientId);
    if (!client || client.auth !== 'private_key_jwt') {
      imported.forget(clientId);
      throw badAssertion('unknown client or not a private_key_jwt client');
    }
    const jwk = await keyFor(client, header.kid);
    if (!jwk) throw badAssertion('no key of this client has that kid');
    if (jwk.alg !== header.alg) throw badAssertion('alg does not match the key');

    let payload: JWTPayload;
    try {
      const key = await imported.key(client.id, jwk);
      ({ payload } = await jwtVerify(assertion, key, {
        algorithms: [jwk.alg],
        issuer: clientId,
        subject: clientId,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: skewSeconds,
        currentDate: new Date(clock()),
      }));
    } catch (err) {
      throw badAssertion(err instanceof joseErrors.JOSEError ? describeJoseError(err) : 'client assertion could not be verified');
    }
    const now = clock();
    if (!audienceOk(payload.aud)) throw badAssertion('aud must be the issuer identifier as its sole value');
    const exp = payload.exp! * 1000;
    if (payload.iat !== undefined && payload.iat * 1000 > now + config.clock.skew) throw badAssertion('iat is in the future');
    if (exp - (payload.iat === undefined ? now : payload.iat * 1000) > client.assertionMaxLifetime) throw badAssertion('client assertion lives longer than the client allows');
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH) throw badAssertion('jti required');

    const jtiHash = createHash('sha256').update(payload.jti).digest('base64url').slice(0, 32);
    if (!(await clients.claimJti(client.id, jtiHash, exp + config.clock.skew))) throw badAssertion('client assertion already used (jti replayed)');
    return client;
  };
}

function describeJoseError(err: InstanceType<typeof joseErrors.JOSEError>): string {
  if (err instanceof joseErrors.JWTExpired) return 'client assertion expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim ${err.claim} invalid: ${err.reason}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature verification failed';
  return 'client assertion could not be verified';
}

