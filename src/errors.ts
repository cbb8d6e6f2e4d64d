/**
 * One error vocabulary: every error the gateway answers with has a stable internal `id` (like jose's
 * `ERR_JWT_*`), a status, the wire error, a fixed description and HYPR's numeric code where one fits.
 * `ErrorFields` is the data; `GatewayError` its throwable form. One renderer per wire format turns
 * them into responses: http/error-response.ts (RFC 6750 edge), oauth/oauth-errors.ts (RFC 6749 token
 * service), admin/admin-app.ts (admin JSON).
 */

/** HYPR's numeric error codes, sent as `code` where one fits. */
export const HYPR_CODES = {
  /** An access token that is invalid, expired, revoked or bound elsewhere. */
  invalidToken: '1201046',
  /** A client assertion that fails any check. */
  invalidAssertion: '1201047',
  /** Bad parameters, such as a TTL under 60 s. */
  invalidRequest: '1201023',
  /** Too many active tokens or token requests. */
  slowDown: '1201093',
} as const;

/** What each id answers with; a throw site may give a more precise description or headers. */
export const ERRORS = {
  /** The request cannot be accepted as sent (framing, host, path, a malformed header or body). */
  ERR_TG_INVALID_REQUEST: { status: 400, error: 'invalid_request', description: 'the request is malformed' },
  /** A token-service parameter is missing, repeated or out of range (HYPR 1201023). */
  ERR_TG_INVALID_PARAMETER: { status: 400, error: 'invalid_request', description: 'a request parameter is missing or invalid', code: HYPR_CODES.invalidRequest },
  /** An admin request body fails validation; the renderer adds every issue with its path. */
  ERR_TG_VALIDATION_FAILED: { status: 400, error: 'invalid_request', description: 'the request body is invalid' },
  ERR_TG_BODY_TOO_LARGE: { status: 413, error: 'invalid_request', description: 'request body too large', code: HYPR_CODES.invalidRequest },
  ERR_TG_HEADERS_TOO_LARGE: { status: 431, error: 'invalid_request', description: 'request header fields too large' },
  ERR_TG_REQUEST_TIMEOUT: { status: 408, error: 'request_timeout', description: 'the request did not arrive in time' },
  ERR_TG_METHOD_NOT_ALLOWED: { status: 405, error: 'method_not_allowed', description: 'this method is not supported' },
  /** No credential at all: RFC 6750 3.1 sends a bare challenge. */
  ERR_TG_TOKEN_MISSING: { status: 401, error: 'unauthorized', description: 'Bearer token required' },
  /** A credential presented wrongly (in the query, twice, not Bearer). */
  ERR_TG_MALFORMED_CREDENTIAL: { status: 400, error: 'invalid_request', description: 'the credential is malformed' },
  ERR_TG_INVALID_TOKEN: { status: 401, error: 'invalid_token', description: 'the access token is invalid, expired or revoked', code: HYPR_CODES.invalidToken },
  ERR_TG_INSUFFICIENT_SCOPE: { status: 403, error: 'insufficient_scope', description: 'the token lacks a scope this call requires' },
  ERR_TG_INVALID_CLIENT: { status: 401, error: 'invalid_client', description: 'client authentication failed' },
  /** A client assertion that fails any check (HYPR 1201047). */
  ERR_TG_INVALID_ASSERTION: { status: 401, error: 'invalid_client', description: 'client assertion could not be verified', code: HYPR_CODES.invalidAssertion },
  ERR_TG_INVALID_SCOPE: { status: 400, error: 'invalid_scope', description: 'scope not allowed for this client' },
  ERR_TG_UNSUPPORTED_GRANT_TYPE: { status: 400, error: 'unsupported_grant_type', description: 'only grant_type=client_credentials is supported' },
  /** A route's CORS rules refuse this origin, method or header. */
  ERR_TG_CORS_REFUSED: { status: 403, error: 'cors_refused', description: 'this origin, method or header is not allowed by the route' },
  /** The caller may not use this endpoint from where it is (an Origin, an ingress address). */
  ERR_TG_ACCESS_DENIED: { status: 403, error: 'access_denied', description: 'access denied' },
  ERR_TG_NO_ROUTE: { status: 404, error: 'not_found', description: 'no route matches this request' },
  ERR_TG_NOT_FOUND: { status: 404, error: 'not_found', description: 'no such endpoint' },
  ERR_TG_CONFLICT: { status: 409, error: 'conflict', description: 'already exists' },
  /** A route's rate limit (edge). */
  ERR_TG_RATE_LIMITED: { status: 429, error: 'rate_limited', description: 'too many requests, retry later' },
  /** The token service's rate limit or a client's token cap (HYPR 1201093). */
  ERR_TG_SLOW_DOWN: { status: 429, error: 'slow_down', description: 'too many token requests; slow down', code: HYPR_CODES.slowDown },
  /** The token store did not answer in time or refused: never allow, answer 503 fast. */
  ERR_TG_STORE_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable', description: 'token store unavailable, retry shortly', headers: { 'retry-after': '1' } },
  ERR_TG_UPSTREAM_UNAVAILABLE: { status: 502, error: 'bad_gateway', description: 'upstream unavailable' },
  ERR_TG_UPSTREAM_TIMEOUT: { status: 504, error: 'gateway_timeout', description: 'upstream did not answer in time' },
  /** The upstream answered a WebSocket upgrade with something else; its status is passed on. */
  ERR_TG_UPGRADE_REFUSED: { status: 502, error: 'upgrade_refused', description: 'upstream refused the upgrade' },
  ERR_TG_INTERNAL: { status: 500, error: 'server_error', description: 'internal error' },
} as const satisfies Record<string, Omit<ErrorFields, 'id'>>;

export type ErrorId = keyof typeof ERRORS;

export interface ErrorFields {
  /** Stable internal code: tests, logs and callers match on this, never on the description. */
  id: ErrorId;
  status: number;
  /** The wire error, e.g. `invalid_token`. */
  error: string;
  description: string;
  /** HYPR-compatible numeric code, where one fits. */
  code?: string;
  headers?: Record<string, string>;
}

/** What a throw site may say beyond its id. */
export interface ErrorDetail {
  description?: string;
  headers?: Record<string, string>;
  /** Only where the status is passed on from elsewhere (an upstream's refused upgrade). */
  status?: number;
}

/** The vocabulary entry for `id`, with the site's more precise description or headers. */
export function errorFields(id: ErrorId, detail: ErrorDetail = {}): ErrorFields {
  const entry: Omit<ErrorFields, 'id'> = ERRORS[id];
  const fields: ErrorFields = { id, status: detail.status ?? entry.status, error: entry.error, description: detail.description ?? entry.description };
  if (entry.code !== undefined) fields.code = entry.code;
  const headers = detail.headers ?? entry.headers;
  if (headers !== undefined) fields.headers = headers;
  return fields;
}

/** The JSON body every wire format shares: `{"error","error_description","code"?}`. */
export function errorJson(fields: ErrorFields): Record<string, string> {
  const body: Record<string, string> = { error: fields.error, error_description: fields.description };
  if (fields.code !== undefined) body.code = fields.code;
  return body;
}

/** ErrorFields as something to throw; Express forwards it to the router's one renderer. */
export class GatewayError extends Error implements ErrorFields {
  readonly id: ErrorId;
  readonly status: number;
  readonly error: string;
  readonly description: string;
  readonly code?: string;
  readonly headers: Record<string, string>;

  constructor(fields: ErrorFields) {
    super(fields.description);
    this.name = 'GatewayError';
    this.id = fields.id;
    this.status = fields.status;
    this.error = fields.error;
    this.description = fields.description;
    if (fields.code !== undefined) this.code = fields.code;
    this.headers = fields.headers ?? {};
  }

  toJSON(): Record<string, string> {
    return errorJson(this);
  }
}

/** Throwable form of the vocabulary entry `id`. */
export function gatewayError(id: ErrorId, detail?: ErrorDetail): GatewayError {
  return new GatewayError(errorFields(id, detail));
}

/** A request body or parameter that fails validation; `issues` carry field paths. */
export class ValidationError extends GatewayError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(errorFields('ERR_TG_VALIDATION_FAILED', { description: issues.join('; ') }));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export class NotFoundError extends GatewayError {
  constructor(what: string) {
    super(errorFields('ERR_TG_NOT_FOUND', { description: `${what} not found` }));
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends GatewayError {
  constructor(what: string) {
    super(errorFields('ERR_TG_CONFLICT', { description: `${what} already exists` }));
    this.name = 'ConflictError';
  }
}

/** The token store did not answer in time or refused. */
export class StoreUnavailableError extends GatewayError {
  constructor(cause?: unknown) {
    super(errorFields('ERR_TG_STORE_UNAVAILABLE'));
    this.name = 'StoreUnavailableError';
    if (cause !== undefined) this.cause = cause;
  }
}

/** A config file that does not validate; every problem listed with its path. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`invalid configuration in ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
