/**
 * OAuth errors (RFC 6749 5.2) with the HYPR-compatible numeric codes, and the one renderer of the
 * token service: `Cache-Control: no-store` and `Pragma: no-cache` on every answer, success or not.
 */
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { gatewayError, GatewayError, StoreUnavailableError } from '../errors.js';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';

/** `invalid_request` 400, code 1201023. */
export function invalidRequest(description: string, headers?: Record<string, string>): GatewayError {
  return gatewayError('ERR_TG_INVALID_PARAMETER', headers ? { description, headers } : { description });
}

/** `invalid_client` 401; the Basic challenge is added by the renderer when Basic was used. */
export function invalidClient(description: string): GatewayError {
  return gatewayError('ERR_TG_INVALID_CLIENT', { description });
}

/** A client assertion that fails any check: `invalid_client` 401, code 1201047. */
export function badAssertion(description: string): GatewayError {
  return gatewayError('ERR_TG_INVALID_ASSERTION', { description });
}

export function invalidScope(description: string): GatewayError {
  return gatewayError('ERR_TG_INVALID_SCOPE', { description });
}

export function unsupportedGrantType(description: string): GatewayError {
  return gatewayError('ERR_TG_UNSUPPORTED_GRANT_TYPE', { description });
}

/** 429 `slow_down`, code 1201093: token cap reached or rate limited. */
export function slowDown(description: string, retryAfterSeconds?: number): GatewayError {
  return gatewayError('ERR_TG_SLOW_DOWN', retryAfterSeconds === undefined ? { description } : { description, headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
}

/** First step of every endpoint: tokens and token metadata are never cached. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  // setHeader, not Express's res.set: no per-call object walk or content-type handling on every grant.
  res.setHeader('cache-control', 'no-store');
  res.setHeader('pragma', 'no-cache');
  next();
}

/** Marks that the caller used HTTP Basic, so a 401 carries `WWW-Authenticate: Basic`. */
export function markBasic(res: Response): void {
  res.locals.basicUsed = true;
}

/** Renders every token-service error; a 5xx never shows its message. */
export function oauthErrorRenderer(logger: Logger, metrics: Metrics): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let error: GatewayError;
    if (err instanceof GatewayError) error = err;
    else if (err?.type === 'entity.too.large') error = gatewayError('ERR_TG_BODY_TOO_LARGE');
    else {
      logger.error({ err, path: req.path }, 'token service request failed');
      error = gatewayError('ERR_TG_INTERNAL');
    }
    if (error instanceof StoreUnavailableError) logger.warn({ path: req.path }, 'token store unavailable');
    metrics.tokenEndpointErrors.labels(error.error).inc();
    res.status(error.status).set(error.headers).set({ 'cache-control': 'no-store', pragma: 'no-cache' });
    if (error.status === 401 && error.error === 'invalid_client' && res.locals.basicUsed) res.set('www-authenticate', 'Basic realm="tollgate", charset="UTF-8"');
    const body = error.toJSON();
    // RFC 6749 5.2: error_description is limited to printable ASCII without quote or backslash.
    body.error_description = error.description.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
    res.json(body);
  };
}
