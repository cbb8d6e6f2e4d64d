/** Admin API authentication: a Bearer token of the `tollgate-admin` app holding the needed scope. */
import type { NextFunction, Request, Response } from 'express';
import { gatewayError } from '../errors.js';
import { readBearer } from '../edge/bearer.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { principalOf } from '../tokens/principal.js';
import { ADMIN_APP_ID, type Principal } from '../types.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const challenge = (error?: string) => (error ? `Bearer realm="tollgate-admin", error="${error}"` : 'Bearer realm="tollgate-admin"');

/** Verifies the caller once per request and stores the Principal on `req.principal`. */
export function authenticateAdmin(lifecycle: TokenLifecycle) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const credential = readBearer(req.rawHeaders);
    if (credential.kind === 'missing') {
      throw gatewayError('ERR_TG_TOKEN_MISSING', { description: 'admin token required', headers: { 'www-authenticate': challenge() } });
    }
    if (credential.kind === 'malformed') {
      throw gatewayError('ERR_TG_MALFORMED_CREDENTIAL', { description: credential.description, headers: { 'www-authenticate': challenge('invalid_request') } });
    }
    const result = await lifecycle.verify(credential.token);
    if (!result.ok || result.record.app !== ADMIN_APP_ID) {
      throw gatewayError('ERR_TG_INVALID_TOKEN', { description: 'the admin token is invalid, expired or revoked', headers: { 'www-authenticate': challenge('invalid_token') } });
    }
    req.principal = principalOf(result.record);
    next();
  };
}

/** Reads need `admin.read` or the area's own scope; writes need the area's scope. */
export function requireScope(area: 'admin.apps' | 'admin.tokens' | 'admin.clients') {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const scopes = req.principal?.scopes ?? [];
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (scopes.includes(area) || (read && scopes.includes('admin.read'))) return next();
    const needed = read ? `admin.read ${area}` : area;
    throw gatewayError('ERR_TG_INSUFFICIENT_SCOPE', {
      description: `this call needs the scope ${read ? `admin.read or ${area}` : area}`,
      headers: { 'www-authenticate': `Bearer realm="tollgate-admin", error="insufficient_scope", scope="${needed}"` },
    });
  };
}

export function actor(req: Request): Principal {
  if (!req.principal) throw new Error('authenticateAdmin must run before handlers');
  return req.principal;
}
