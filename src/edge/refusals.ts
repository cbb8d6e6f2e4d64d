/**
 * Every answer the edge gives instead of forwarding, built once from the error vocabulary
 * (errors.ts): fixed descriptions (no quotes or backslashes, so they can sit in a challenge) and
 * the headers that go with them. Rendered by http/error-response.ts.
 */
import { errorFields, ERRORS, type ErrorFields } from '../errors.js';

const REALM = 'Bearer realm="tollgate"';
const CLOSE = { connection: 'close' };

function challenge(error: string, description: string, scope?: string): string {
  const value = `${REALM}, error="${error}", error_description="${description}"`;
  return scope === undefined ? value : `${value}, scope="${scope}"`;
}

function badRequest(description: string, headers?: Record<string, string>): ErrorFields {
  return errorFields('ERR_TG_INVALID_REQUEST', headers ? { description, headers } : { description });
}

/** An RFC 6750 invalid_request: the credential was presented wrongly. */
export function malformedCredential(description: string): ErrorFields {
  return errorFields('ERR_TG_MALFORMED_CREDENTIAL', { description, headers: { 'www-authenticate': challenge('invalid_request', description) } });
}

const INVALID_TOKEN = ERRORS.ERR_TG_INVALID_TOKEN.description;

export const REFUSALS = {
  // Framing and the request line: refused before any route is looked at; the connection closes.
  unsupportedTransferEncoding: badRequest('unsupported Transfer-Encoding', CLOSE),
  doubledHost: badRequest('more than one Host header', CLOSE),
  framingInConnection: badRequest('Connection must not name Content-Length or Transfer-Encoding', CLOSE),
  tooManyHeaders: errorFields('ERR_TG_HEADERS_TOO_LARGE', { description: 'too many header fields', headers: CLOSE }),
  badHost: badRequest('Host header cannot be parsed', CLOSE),
  upgradeWithBody: badRequest('an upgrade request must not carry a body', CLOSE),
  unsupportedUpgrade: badRequest('only WebSocket upgrades are supported', CLOSE),
  methodNotAllowed: errorFields('ERR_TG_METHOD_NOT_ALLOWED', { description: 'CONNECT, TRACE and TRACK are not forwarded', headers: { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' } }),
  badPath: badRequest('request path cannot be normalized safely'),
  corsRefused: errorFields('ERR_TG_CORS_REFUSED'),
  noRoute: errorFields('ERR_TG_NO_ROUTE'),
  repeatedAppHeader: badRequest('the header that names the app appears more than once'),
  hopByHopAppHeader: badRequest('the header that names the app must not be listed in Connection'),

  // Authentication and authorization (RFC 6750 3).
  missing: errorFields('ERR_TG_TOKEN_MISSING', { headers: { 'www-authenticate': REALM } }),
  queryToken: malformedCredential('tokens are accepted only in the Authorization header'),
  invalidToken: errorFields('ERR_TG_INVALID_TOKEN', { headers: { 'www-authenticate': challenge('invalid_token', INVALID_TOKEN) } }),
  storeDown: errorFields('ERR_TG_STORE_UNAVAILABLE'),

  // Forwarding.
  upstreamRefused: errorFields('ERR_TG_UPSTREAM_UNAVAILABLE'),
  upstreamTimeout: errorFields('ERR_TG_UPSTREAM_TIMEOUT'),
  internal: errorFields('ERR_TG_INTERNAL'),
} satisfies Record<string, ErrorFields>;

const SCOPE_DESCRIPTION = 'the token lacks a scope this route requires';
const scopeRefusals = new Map<string, ErrorFields>();

/** 403 naming what the route needs; one object per distinct requirement, built once. */
export function insufficientScope(required: string): ErrorFields {
  let refusal = scopeRefusals.get(required);
  if (!refusal) {
    refusal = errorFields('ERR_TG_INSUFFICIENT_SCOPE', { description: SCOPE_DESCRIPTION, headers: { 'www-authenticate': challenge('insufficient_scope', SCOPE_DESCRIPTION, required) } });
    scopeRefusals.set(required, refusal);
  }
  return refusal;
}
