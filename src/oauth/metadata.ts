/** `GET /.well-known/oauth-authorization-server` (RFC 8414). */
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config/schema.js';
import { ASSERTION_ALGS } from './client-keys.js';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export function metadataEndpoint(config: Config): RequestHandler {
  const base = config.issuer.replace(/\/+$/, '');
  const body = JSON.stringify({
    issuer: config.issuer,
    token_endpoint: `${base}/oauth/token`,
    introspection_endpoint: `${base}/oauth/introspect`,
    revocation_endpoint: `${base}/oauth/revoke`,
    grant_types_supported: ['client_credentials'],
    response_types_supported: [],
    // RFC 8414 2: each endpoint that lists private_key_jwt names its signing algorithms. Admin
    // Bearer callers of introspection and revocation are not a registered client auth method.
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
  });
  return function metadata(_req: Request, res: Response): void {
    res.status(200).set({ 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' }).send(body);
  };
}
