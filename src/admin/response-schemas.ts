/**
 * What the admin API answers, as zod schemas: the source of the OpenAPI document's response
 * schemas. The view functions in views.ts are tied to them at compile time (ViewsMatchSchemas).
 */
import { z } from 'zod';
import type { apiKeyView, appView, clientView, tokenView } from './views.js';

const isoTime = z.iso.datetime().nullable();

export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  app: z.string(),
  kind: z.enum(['api', 'install', 'access']),
  scopes: z.array(z.string()),
  subject: z.string(),
  clientId: z.string().optional(),
  createdBy: z.string(),
  createdAt: isoTime,
  lastUsedAt: isoTime.describe('null until the token is first used'),
  expiresAt: isoTime.describe('null for tokens that never expire'),
  ttl: z.number().describe('sliding window in seconds; 0 when the expiry does not slide'),
  sliding: z.boolean(),
});

export const appViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  origins: z.array(z.string()),
  createdAt: isoTime,
  tokenTtl: z.number().optional().describe('default lifetime of the app\'s api tokens, seconds'),
});

const publicJwk = z.object({ kid: z.string(), alg: z.string() }).catchall(z.unknown());

export const clientViewSchema = z.object({
  client_id: z.string(),
  app: z.string(),
  name: z.string(),
  type: z.enum(['personal', 'service']),
  owner: z.string().optional(),
  role: z.string().optional(),
  auth: z.enum(['client_secret', 'private_key_jwt']),
  scopes: z.array(z.string()),
  tokenTtl: z.number().describe('seconds'),
  maxActiveTokens: z.number(),
  assertionMaxLifetime: z.number().optional().describe('seconds; absent: 600 on /oauth/token, compat.hyprAssertion.maxLifetime on the HYPR exchange path'),
  onTokenCap: z.enum(['reject', 'revoke_oldest']),
  jwks: z.object({ keys: z.array(publicJwk) }).optional(),
  jwks_uri: z.string().optional(),
  createdBy: z.string(),
  createdAt: isoTime,
});

export const apiKeyViewSchema = z.object({
  id: z.string(),
  app: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  tokenTtl: z.number().describe('seconds'),
  createdBy: z.string(),
  createdAt: isoTime,
});

/** 201 of token creation: the record plus the token, shown this once. */
export const createdTokenSchema = tokenViewSchema.extend({ token: z.string().describe('the bearer token; never shown again') });

/** 201 of client creation: the record plus the secret or the generated key, shown this once. */
export const createdClientSchema = clientViewSchema.extend({
  client_secret: z.string().optional().describe('client_secret clients'),
  kid: z.string().optional().describe('private_key_jwt clients without keys of their own'),
  client_key: z.string().optional().describe('the generated P-256 private key, base64 PKCS#8 DER'),
});

export const rotatedSecretSchema = z.object({ client_id: z.string(), client_secret: z.string() });

export const createdApiKeySchema = apiKeyViewSchema.extend({ key: z.string().describe('the API secret key; never shown again') });

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const tokenPageSchema = listOf(tokenViewSchema).extend({ nextCursor: z.string().optional().describe('pass as ?cursor= for the next page') });

export const adminErrorSchema = z.object({
  error: z.string(),
  error_description: z.string(),
  code: z.string().optional(),
  issues: z.array(z.string()).optional().describe('400: every problem, each with its field path'),
});

/** Both ways assignable: a view that gains, loses or retypes a field no longer compiles. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type ViewsMatchSchemas = [
  Assert<Same<ReturnType<typeof tokenView>, z.output<typeof tokenViewSchema>>>,
  Assert<Same<ReturnType<typeof appView>, z.output<typeof appViewSchema>>>,
  Assert<Same<ReturnType<typeof clientView>, z.output<typeof clientViewSchema>>>,
  Assert<Same<ReturnType<typeof apiKeyView>, z.output<typeof apiKeyViewSchema>>>,
];
