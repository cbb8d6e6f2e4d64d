/** The gateway's own answers on the edge: RFC 6750 challenges and one JSON error shape. */
import type { ServerResponse } from 'node:http';
import type { AuthorizeDenial } from './authorize.js';

export const INVALID_TOKEN_CODE = '1201046';
const REALM = 'Bearer realm="tollgate"';

export interface EdgeError {
  status: number;
  error: string;
  description: string;
  code?: string;
  /** The WWW-Authenticate value, for 401/403/400 on authenticated routes. */
  challenge?: string;
  headers?: Record<string, string>;
}

/** A challenge for an error; descriptions are fixed strings without quotes or backslashes. */
function challenge(error?: string, description?: string, scope?: string): string {
  if (!error) return REALM;
  let value = `${REALM}, error="${error}", error_description="${description}"`;
  if (scope !== undefined) value += `, scope="${scope}"`;
  return value;
}

export const EDGE_ERRORS = {
  badPath: { status: 400, error: 'invalid_request', description: 'request path cannot be normalized safely' },
  noRoute: { status: 404, error: 'not_found', description: 'no route matches this request' },
  missing: { status: 401, error: 'unauthorized', description: 'Bearer token required', challenge: challenge() },
  queryToken: {
    status: 400, error: 'invalid_request', description: 'tokens are accepted only in the Authorization header',
    challenge: challenge('invalid_request', 'tokens are accepted only in the Authorization header'),
  },
  invalidToken: {
    status: 401, error: 'invalid_token', description: 'the access token is invalid, expired or revoked', code: INVALID_TOKEN_CODE,
    challenge: challenge('invalid_token', 'the access token is invalid, expired or revoked'),
  },
  storeDown: { status: 503, error: 'temporarily_unavailable', description: 'token store unavailable, retry shortly', headers: { 'retry-after': '1' } },
  upstreamRefused: { status: 502, error: 'bad_gateway', description: 'upstream unavailable' },
  upstreamTimeout: { status: 504, error: 'gateway_timeout', description: 'upstream did not answer in time' },
} satisfies Record<string, EdgeError>;

export function malformed(description: string): EdgeError {
  return { status: 400, error: 'invalid_request', description, challenge: challenge('invalid_request', description) };
}

export function insufficientScope(required: string): EdgeError {
  const description = 'the token lacks a scope this route requires';
  return { status: 403, error: 'insufficient_scope', description, challenge: challenge('insufficient_scope', description, required) };
}

/** The answer for an authorization refusal: 403 naming the missing scope, else 401 invalid_token (wrong app or kind). */
export function refusalError(refused: AuthorizeDenial): EdgeError {
  return refused.reason === 'insufficient_scope' ? insufficientScope(refused.required) : EDGE_ERRORS.invalidToken;
}

export function sendEdgeError(res: ServerResponse, err: EdgeError, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(err.code === undefined ? { error: err.error, error_description: err.description } : { error: err.error, error_description: err.description, code: err.code });
  res.statusCode = err.status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-request-id', requestId);
  if (err.challenge) res.setHeader('www-authenticate', err.challenge);
  if (err.headers) for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res.end(body);
}
