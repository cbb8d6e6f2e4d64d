/** The token service (`/oauth/*`, RFC 8414 metadata, the compat aliases) and health operations of the OpenAPI document. */
import { answer, json } from './openapi-components.js';

const FORM = 'application/x-www-form-urlencoded';
const noStore = {
  'Cache-Control': { description: 'no-store', schema: { type: 'string' } },
  Pragma: { description: 'no-cache', schema: { type: 'string' } },
};
const oauthError = (description: string) => answer(description, 'OAuthError', noStore);
const retryAfter = { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } }, ...noStore };
const commonErrors = {
  400: oauthError('invalid_request (code 1201023): not a POST, not a form, a repeated or missing parameter, two client authentication methods'),
  413: oauthError('body too large'),
  429: answer('slow_down (code 1201093): the client holds maxActiveTokens live tokens, or the endpoint\'s rate limit', 'OAuthError', retryAfter),
  500: oauthError('internal error (details only in the log)'),
  503: answer('the token store is unreachable; no token is issued', 'OAuthError', retryAfter),
};
/** Client authentication: HTTP Basic, or the form fields (client_secret_post, private_key_jwt), which OpenAPI cannot express as a scheme. */
const clientAuth = [{ clientBasic: [] }, {}];

function formEndpoint(summary: string, form: 'TokenRequest' | 'TokenLookup', ok: Record<string, unknown>, extra: Record<string, unknown>, security: unknown[]) {
  return {
    post: {
      summary,
      tags: ['token service'],
      security,
      requestBody: { required: true, content: { [FORM]: { schema: { $ref: `#/components/schemas/${form}` } } } },
      responses: { ...ok, ...commonErrors, ...extra },
    },
  };
}

const tokenEndpoint = (summary: string) =>
  formEndpoint(
    summary,
    'TokenRequest',
    { 200: answer('an access token', 'TokenResponse', noStore) },
    {
      401: answer('invalid_client; code 1201047 for a failed client assertion', 'OAuthError', { 'WWW-Authenticate': { description: 'Basic, when Basic credentials were sent', schema: { type: 'string' } }, ...noStore }),
      400: oauthError('invalid_request (1201023), invalid_scope or unsupported_grant_type'),
    },
    clientAuth,
  );

/** Introspection and revocation: a `token` form from a client or an admin token. */
const lookupEndpoint = (summary: string, ok: unknown) =>
  formEndpoint(summary, 'TokenLookup', { 200: ok }, { 401: oauthError('invalid_client: the caller did not authenticate') }, [...clientAuth, { adminToken: [] }]);

function keyExchange(summary: string) {
  return {
    post: {
      summary,
      tags: ['token service'],
      security: [{ apiSecretKey: [] }],
      parameters: [{ name: 'Origin', in: 'header', required: false, description: 'when sent, it must be one of the app\'s origins', schema: { type: 'string' } }],
      responses: {
        200: answer('an access token, in the Hypersign shape', 'KeyExchangeResponse', noStore),
        401: oauthError('invalid_client: unknown or deleted API key'),
        403: oauthError('access_denied: the Origin is not one of the app\'s origins'),
        ...commonErrors,
      },
    },
  };
}

export function servicePaths() {
  return {
    '/oauth/token': tokenEndpoint('Client credentials grant (client_secret_basic, client_secret_post, private_key_jwt)'),
    '/rp/token/endpoint/exchange/clientcredentials': tokenEndpoint('HYPR alias of /oauth/token (only with compat.hypr); also takes grant_type=authorization_code with a jwt-bearer assertion'),
    '/oauth/key': keyExchange('Exchange an API secret key for an access token'),
    '/api/v1/app/oauth': keyExchange('Hypersign alias of /oauth/key (only with compat.hypersign)'),
    '/oauth/introspect': lookupEndpoint('Token introspection (RFC 7662); does not slide the expiry', answer('the token\'s metadata, or exactly {"active":false}', 'IntrospectionResponse', noStore)),
    '/oauth/revoke': lookupEndpoint('Token revocation (RFC 7009); a client revokes only its own tokens', answer('revoked, or the token was unknown or not the caller\'s', 'RevocationResponse', noStore)),
    '/.well-known/oauth-authorization-server': {
      get: { summary: 'Authorization server metadata (RFC 8414)', tags: ['token service'], security: [], responses: { 200: { description: 'the metadata', content: json('AuthorizationServerMetadata') } } },
    },
    '/healthz': {
      get: { summary: 'Liveness (metrics listener); never touches the store', tags: ['health'], security: [], responses: { 200: answer('the process answers', 'Liveness') } },
    },
    '/readyz': {
      get: {
        summary: 'Readiness (metrics listener): config loaded, store reachable, not draining',
        tags: ['health'],
        security: [],
        responses: { 200: answer('ready', 'Readiness'), 503: answer('the store is down, or the process is draining after SIGTERM', 'Readiness') },
      },
    },
  };
}
