/**
 * The token service's forms and answers, and the health answers, as zod schemas for the OpenAPI
 * document. The token service parses its forms by hand (RFC 6749 rules: repeated parameters,
 * empty values); these schemas describe them, and test/admin/openapi.test.ts checks real answers.
 */
import { z } from 'zod';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const clientAuthFields = {
  client_id: z.string().optional().describe('client_secret_post, or alongside an assertion'),
  client_secret: z.string().optional().describe('client_secret_post'),
  client_assertion_type: z.literal(JWT_BEARER).optional().describe('private_key_jwt (RFC 7523)'),
  client_assertion: z.string().optional().describe('private_key_jwt: a JWT signed with the client\'s key, `kid` in its header'),
};

export const tokenRequestForm = z.object({
  grant_type: z.enum(['client_credentials', 'authorization_code']).describe('authorization_code only on the HYPR alias, with a jwt-bearer assertion and no code'),
  scope: z.string().optional().describe('space-separated; a subset of the client\'s scopes (default: all of them)'),
  ...clientAuthFields,
});

export const tokenLookupForm = z.object({
  token: z.string(),
  token_type_hint: z.string().optional(),
  ...clientAuthFields,
});

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().describe('seconds'),
  scope: z.string(),
});

export const keyExchangeResponse = z.object({
  access_token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds'),
});

export const introspectionResponse = z.union([
  z.object({
    active: z.literal(true),
    scope: z.string(),
    client_id: z.string().optional(),
    sub: z.string(),
    exp: z.number().int().optional().describe('absent for tokens that never expire'),
    iat: z.number().int(),
    token_type: z.literal('Bearer'),
    app: z.string(),
    token_kind: z.enum(['api', 'install', 'access']),
  }),
  z.object({ active: z.literal(false) }),
]);

export const revocationResponse = z.object({}).describe('RFC 7009: 200 whether or not the token was known');

export const authorizationServerMetadata = z
  .object({
    issuer: z.string(),
    token_endpoint: z.string(),
    introspection_endpoint: z.string(),
    revocation_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
  })
  .catchall(z.unknown())
  .describe('RFC 8414');

export const oauthErrorBody = z.object({
  error: z.string().describe('RFC 6749 5.2 error'),
  error_description: z.string(),
  code: z.string().optional().describe('HYPR-compatible numeric code where one fits (1201023, 1201047, 1201093)'),
});

export const livenessResponse = z.object({ status: z.literal('ok') });

export const readinessResponse = z.union([
  z.object({ status: z.literal('ready'), store: z.literal('up') }),
  z.object({ status: z.literal('unready'), store: z.literal('down') }),
  z.object({ status: z.literal('draining') }),
]);
