/**
 * private_key_jwt (RFC 7523, draft-ietf-oauth-rfc7523bis, RFC 8725): the assertion is verified
 * with the claimed client's own registered key chosen by `kid`, under that key's one algorithm,
 * then its `jti` is claimed once across every replica. What the claims may say comes from the
 * path's policy (assertion-policy.ts). Every failure is invalid_client 1201047.
 */
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config/schema.js';
import type { ClientKey, ClientRecord, ClientStore } from '../store/client-store.js';
import type { Clock } from '../types.js';
import type { AssertionPolicy } from './assertion-policy.js';
import { createClientKeyCache, type ClientKeyCache } from './client-key-cache.js';
import { ASSERTION_ALGS, MAX_KID_LENGTH } from './client-keys.js';
import { MAX_CLIENT_ID_LENGTH } from './client-secret-auth.js';
import type { JwksCache } from './jwks-cache.js';
import { badAssertion } from './oauth-errors.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const MAX_ASSERTION_LENGTH = 8_192;
const MAX_JTI_LENGTH = 256;
/** A client registers few keys; a `kid` that is only a hint never costs more signature checks than this. */
const MAX_HINT_KEYS = 8;
const ALGS = new Set<string>(ASSERTION_ALGS);

export interface AssertionDeps {
  clients: ClientStore;
  jwks: JwksCache;
  config: Config;
  clock: Clock;
  policy: AssertionPolicy;
  /** Shared between the verifiers of several paths, so each key is imported once. */
  imported?: ClientKeyCache;
}

export type AssertionVerifier = (assertion: string, clientIdParam: string | undefined) => Promise<ClientRecord>;

export function createAssertionVerifier({ clients, jwks, config, clock, policy, imported = createClientKeyCache() }: AssertionDeps): AssertionVerifier {
  const skewSeconds = Math.round(config.clock.skew / 1000);

  async function fetched<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch {
      throw badAssertion('the client keys could not be fetched from its jwks_uri');
    }
  }

  /** The key named by `kid`; where the kid is only a hint, else the client's keys of that algorithm. */
  async function candidateKeys(client: ClientRecord, kid: string, alg: string): Promise<ClientKey[]> {
    const uri = client.jwksUri;
    const named = client.jwks ? (client.jwks.find((k) => k.kid === kid) ?? null) : uri ? await fetched(() => jwks.key(uri, kid)) : null;
    if (named) {
      if (named.alg !== alg) throw badAssertion('alg does not match the key');
      return [named];
    }
    if (!policy.kidIsHint) throw badAssertion('no key of this client has that kid');
    const all = client.jwks ?? (uri ? await fetched(() => jwks.keys(uri)) : []);
    const usable = all.filter((k) => k.alg === alg).slice(0, MAX_HINT_KEYS);
    if (usable.length === 0) throw badAssertion(`no key of this client verifies ${alg}`);
    return usable;
  }

  /** The payload under the first candidate whose signature holds; claim failures are final. */
  async function verifyWith(assertion: string, client: ClientRecord, keys: ClientKey[]): Promise<JWTPayload> {
    for (const [i, jwk] of keys.entries()) {
      try {
        const key = await imported.key(client.id, jwk);
        const { payload } = await jwtVerify(assertion, key, {
          algorithms: [jwk.alg],
          subject: client.id,
          requiredClaims: ['exp', 'jti'],
          clockTolerance: skewSeconds,
          currentDate: new Date(clock()),
        });
        return payload;
      } catch (err) {
        if (err instanceof joseErrors.JWSSignatureVerificationFailed && i < keys.length - 1) continue;
        throw badAssertion(err instanceof joseErrors.JOSEError ? describeJoseError(err) : 'client assertion could not be verified');
      }
    }
    throw badAssertion('client assertion could not be verified');
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
    if (!policy.issuerOk(unverified.iss, clientId)) throw badAssertion('iss must equal sub (the client id)');
    if (clientIdParam !== undefined && clientIdParam !== clientId) throw badAssertion('client_id does not match the assertion');

    const client = await clients.getClient(clientId);
    if (!client || client.auth !== 'private_key_jwt') {
      imported.forget(clientId);
      throw badAssertion('unknown client or not a private_key_jwt client');
    }
    const payload = await verifyWith(assertion, client, await candidateKeys(client, header.kid, header.alg));
    const now = clock();
    if (!policy.issuerOk(payload.iss, clientId)) throw badAssertion('iss must equal sub (the client id)');
    if (!policy.audienceOk(payload.aud)) throw badAssertion('aud must be the issuer identifier as its sole value');
    const exp = payload.exp! * 1000;
    if (payload.iat !== undefined && payload.iat * 1000 > now + config.clock.skew) throw badAssertion('iat is in the future');
    if (exp - (payload.iat === undefined ? now : payload.iat * 1000) > policy.maxLifetime(client)) throw badAssertion('client assertion lives longer than the client allows');
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

