/**
 * `POST /oauth/introspect` (RFC 7662). A client sees the live tokens of its own app; an admin
 * token sees every token. Anything else is exactly `{"active":false}`. Never slides expiry.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { CallerAuthenticator, Caller } from './authenticate-caller.js';
import { formOf, readForm } from './form-body.js';
import { invalidRequest, noStore } from './oauth-errors.js';
import { MAX_FORM_BYTES } from './token-endpoint.js';
import type { TokenRateLimits } from './token-rate-limits.js';

declare module 'express-serve-static-core' {
  interface Request {
    oauthCaller?: Caller;
  }
}

/** The step shared by introspection and revocation. */
export function authenticateCallerStep(verifyCaller: CallerAuthenticator) {
  return async function authenticateCaller(req: Request, res: Response, next: NextFunction): Promise<void> {
    req.oauthCaller = await verifyCaller(req, res, formOf(req));
    next();
  };
}

/** The `token` parameter, required. */
export function tokenParam(req: Request): string {
  const token = formOf(req).token;
  if (token === undefined) throw invalidRequest('the token parameter is required');
  return token;
}

export function introspectEndpoint(deps: { lifecycle: TokenLifecycle; authenticateCaller: CallerAuthenticator; limits: TokenRateLimits }): RequestHandler[] {
  async function introspect(req: Request, res: Response): Promise<void> {
    const caller = req.oauthCaller!;
    const result = await deps.lifecycle.inspect(tokenParam(req));
    if (!result.ok || (caller.kind === 'client' && result.record.app !== caller.client.app)) {
      res.json({ active: false });
      return;
    }
    const r = result.record;
    res.json({
      active: true,
      scope: r.scopes.join(' '),
      ...(r.clientId !== undefined ? { client_id: r.clientId } : {}),
      sub: r.subject,
      ...(r.expiresAt !== null ? { exp: Math.floor(r.expiresAt / 1000) } : {}),
      iat: Math.floor(r.createdAt / 1000),
      token_type: 'Bearer',
      app: r.app,
      token_kind: r.kind,
    });
  }

  return [noStore, readForm(MAX_FORM_BYTES), deps.limits.byAddress, authenticateCallerStep(deps.authenticateCaller), introspect];
}
