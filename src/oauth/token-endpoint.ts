/**
 * `POST /oauth/token` (RFC 6749 4.4, client credentials) and the HYPR exchange alias, as a list
 * of named steps: no-store → form → address limit → grant → client authentication → client
 * limit → scope → issue.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ClientRecord } from '../store/client-store.js';
import type { AppCache } from './app-cache.js';
import type { AuthenticatedClient, ClientAuthenticator } from './authenticate-client.js';
import { JWT_BEARER } from './client-assertion.js';
import { formOf, readForm } from './form-body.js';
import type { AccessTokenIssuer } from './issue-access-token.js';
import { invalidClient, invalidRequest, invalidScope, noStore, unsupportedGrantType } from './oauth-errors.js';
import type { TokenRateLimits } from './token-rate-limits.js';

export const MAX_FORM_BYTES = 16_384;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    oauthClient?: AuthenticatedClient;
  }
}

export interface TokenEndpointDeps {
  apps: AppCache;
  authenticateClient: ClientAuthenticator;
  limits: TokenRateLimits;
  issueAccessToken: AccessTokenIssuer;
  /** The HYPR alias also takes `authorization_code` with a jwt-bearer assertion and no `code`. */
  hyprGrant?: boolean;
}

/** Who a client's tokens act as. */
export function subjectOf(client: ClientRecord): string {
  return client.type === 'personal' ? client.owner! : `service:${client.role}`;
}

export function authenticatedClient(req: Request): AuthenticatedClient {
  if (!req.oauthClient) throw new Error('authenticateClient must run before this step');
  return req.oauthClient;
}

export function tokenEndpoint(deps: TokenEndpointDeps): RequestHandler[] {
  function checkGrant(req: Request, _res: Response, next: NextFunction): void {
    const form = formOf(req);
    const grant = form.grant_type;
    if (grant === undefined) throw invalidRequest('grant_type is required');
    if (grant === 'client_credentials') return next();
    if (grant === 'authorization_code' && deps.hyprGrant) {
      if (form.code !== undefined) throw unsupportedGrantType('authorization codes are not issued here');
      if (form.client_assertion_type !== JWT_BEARER || form.client_assertion === undefined) throw invalidRequest('authorization_code here needs a jwt-bearer client_assertion');
      return next();
    }
    throw unsupportedGrantType('only grant_type=client_credentials is supported');
  }

  async function authenticateClient(req: Request, res: Response, next: NextFunction): Promise<void> {
    req.oauthClient = await deps.authenticateClient(req, res, formOf(req));
    next();
  }

  async function issue(req: Request, res: Response): Promise<void> {
    const { client } = authenticatedClient(req);
    const app = await deps.apps.get(client.app);
    if (!app) throw invalidClient('the client belongs to no app');
    const allowed = client.scopes.filter((s) => app.scopes.includes(s));
    const scopes = grantedScopes(formOf(req).scope, allowed);
    const ttl = client.tokenTtl;
    const { token } = await deps.issueAccessToken({
      holder: client.id,
      name: client.name,
      app: client.app,
      subject: subjectOf(client),
      scopes,
      ttl,
      maxActive: client.maxActiveTokens,
      evictOldest: client.onTokenCap === 'revoke_oldest',
      grant: 'client_credentials',
    });
    res.status(200).json({ access_token: token, token_type: 'Bearer', expires_in: Math.floor(ttl / 1000), scope: scopes.join(' ') });
  }

  return [noStore, readForm(MAX_FORM_BYTES), deps.limits.byAddress, checkGrant, authenticateClient, deps.limits.byClient, issue];
}

/** The requested scopes when all are allowed (invalid_scope otherwise), or every allowed one. */
function grantedScopes(requested: string | undefined, allowed: string[]): string[] {
  if (requested === undefined) return allowed;
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  if (asked.length === 0) return allowed;
  const bad = asked.filter((s) => !SCOPE_TOKEN.test(s) || !allowed.includes(s));
  if (bad.length > 0) throw invalidScope(`scope not allowed for this client: ${bad.slice(0, 5).join(' ').slice(0, 200)}`);
  return asked;
}
