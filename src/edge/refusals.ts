/**
 * Every answer the edge gives instead of forwarding, in one vocabulary: status, RFC 6750 error,
 * fixed description (no quotes or backslashes, so it can sit in a challenge), HYPR's numeric code
 * where one fits, and the headers that go with it. Rendered by http/error-response.ts.
 */
import { HYPR_CODES, type ErrorFields } from '../errors.js';

const REALM = 'Bearer realm="tollgate"';
const CLOSE = { connection: 'close' };

function challenge(error: string, description: string, scope?: string): string {
  const value = `${REALM}, error="${error}", error_description="${description}"`;
  return scope === undefined ? value : `${value}, scope="${scope}"`;
}

function badRequest(description: string, headers?: Record<string, string>): ErrorFields {
  return headers ? { status: 400, error: 'invalid_request', description, headers } : { status: 400, error: 'invalid_request', description };
}

/** An RFC 6750 invalid_request: the credential was presented wrongly. */
export function malformedCredential(description: string): ErrorFields {
  return { status: 400, error: 'invalid_request', description, headers: { 'www-authenticate': challenge('invalid_request', description) } };
}

export const REFUSALS = {
  // Framing and the request line: refused before any route is looked at; the connection closes.
  unsupportedTransferEncoding: badRequest('unsupported Transfer-Encoding', CLOSE),
  doubledHost: badRequest('more than one Host header', CLOSE),
  framingInConnection: badRequest('Connection must not name Content-Length or Transfer-Encoding', CLOSE),
  tooManyHeaders: { status: 431, error: 'invalid_request', description: 'too many header fields', headers: CLOSE },
  badHost: badRequest('Host header cannot be parsed', CLOSE),
  upgradeWithBody: badRequest('an upgrade request must not carry a body', CLOSE),
  unsupportedUpgrade: badRequest('only WebSocket upgrades are supported', CLOSE),
  badPath: badRequest('request path cannot be normalized safely'),
  corsRefused: { status: 403, error: 'cors_refused', description: 'this origin, method or header is not allowed by the route' },
  noRoute: { status: 404, error: 'not_found', description: 'no route matches this request' },
  repeatedAppHeader: badRequest('the header that names the app appears more than once'),
  hopByHopAppHeader: badRequest('the header that names the app must not be listed in Connection'),

  // Authentication and authorization (RFC 6750 3).
  missing: { status: 401, error: 'unauthorized', description: 'Bearer token required', headers: { 'www-authenticate': REALM } },
  queryToken: malformedCredential('tokens are accepted only in the Authorization header'),
  invalidToken: {
    status: 401, error: 'invalid_token', description: 'the access token is invalid, expired or revoked', code: HYPR_CODES.invalidToken,
    headers: { 'www-authenticate': challenge('invalid_token', 'the access token is invalid, expired or revoked') },
  },
  storeDown: { status: 503, error: 'temporarily_unavailable', description: 'token store unavailable, retry shortly', headers: { 'retry-after': '1' } },

  // Forwarding.
  upstreamRefused: { status: 502, error: 'bad_gateway', description: 'upstream unavailable' },
  upstreamTimeout: { status: 504, error: 'gateway_timeout', description: 'upstream did not answer in time' },
  internal: { status: 500, error: 'server_error', description: 'internal error' },
} satisfies Record<string, ErrorFields>;

const SCOPE_DESCRIPTION = 'the token lacks a scope this route requires';
const scopeRefusals = new Map<string, ErrorFields>();

/** 403 naming what the route needs; one object per distinct requirement, built once. */
export function insufficientScope(required: string): ErrorFields {
  let refusal = scopeRefusals.get(required);
  if (!refusal) {
    refusal = { status: 403, error: 'insufficient_scope', description: SCOPE_DESCRIPTION, headers: { 'www-authenticate': challenge('insufficient_scope', SCOPE_DESCRIPTION, required) } };
    scopeRefusals.set(required, refusal);
  }
  return refusal;
}
