/**
 * The OpenAPI document's named schemas, generated with zod 4's JSON Schema output from the schemas
 * the admin API validates its bodies with (input side) and the views it answers with (output side),
 * plus the helpers the path tables use to refer to them.
 */
import { z } from 'zod';
import { appCreateBody, appPatchBody, tokenCreateBody } from './bodies.js';
import { apiKeyCreateBody, clientCreateBody } from './client-bodies.js';
import {
  authorizationServerMetadata,
  introspectionResponse,
  keyExchangeResponse,
  livenessResponse,
  oauthErrorBody,
  readinessResponse,
  revocationResponse,
  tokenLookupForm,
  tokenRequestForm,
  tokenResponse,
} from './openapi-service-schemas.js';
import {
  adminErrorSchema,
  apiKeyViewSchema,
  appViewSchema,
  clientViewSchema,
  createdApiKeySchema,
  createdClientSchema,
  createdTokenSchema,
  listOf,
  rotatedSecretSchema,
  tokenPageSchema,
  tokenViewSchema,
} from './response-schemas.js';

/** What callers send: JSON Schema of the input side (defaults make fields optional, durations take numbers or strings). */
const INPUTS = {
  AppCreate: appCreateBody,
  AppPatch: appPatchBody,
  TokenCreate: tokenCreateBody,
  ClientCreate: clientCreateBody,
  ApiKeyCreate: apiKeyCreateBody,
  TokenRequest: tokenRequestForm,
  TokenLookup: tokenLookupForm,
};

/** What tollgate answers. */
const OUTPUTS = {
  App: appViewSchema,
  AppList: listOf(appViewSchema),
  Token: tokenViewSchema,
  TokenPage: tokenPageSchema,
  CreatedToken: createdTokenSchema,
  Client: clientViewSchema,
  ClientList: listOf(clientViewSchema),
  CreatedClient: createdClientSchema,
  RotatedSecret: rotatedSecretSchema,
  ApiKey: apiKeyViewSchema,
  ApiKeyList: listOf(apiKeyViewSchema),
  CreatedApiKey: createdApiKeySchema,
  AdminError: adminErrorSchema,
  TokenResponse: tokenResponse,
  KeyExchangeResponse: keyExchangeResponse,
  IntrospectionResponse: introspectionResponse,
  RevocationResponse: revocationResponse,
  AuthorizationServerMetadata: authorizationServerMetadata,
  OAuthError: oauthErrorBody,
  Liveness: livenessResponse,
  Readiness: readinessResponse,
};

export type SchemaName = keyof typeof INPUTS | keyof typeof OUTPUTS;
type JsonSchema = Record<string, unknown>;

function generate(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, { io, target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` });
  // The document names its dialect once (jsonSchemaDialect), and a component is found by its place, not an $id.
  return Object.fromEntries(Object.entries(out).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema as JsonSchema]));
}

/** `components.schemas` of the document. */
export function componentSchemas(): Record<SchemaName, JsonSchema> {
  return { ...generate(INPUTS, 'input'), ...generate(OUTPUTS, 'output') } as Record<SchemaName, JsonSchema>;
}

/** The query parameters of a zod object schema, for GET endpoints that parse `req.query` with it. */
export function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: property }));
}

export const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

export const json = (name: SchemaName) => ({ 'application/json': { schema: ref(name) } });

/** A response whose body is the named schema. */
export const answer = (description: string, name: SchemaName, headers?: Record<string, unknown>) => ({ description, content: json(name), ...(headers ? { headers } : {}) });

export const noContent = (description: string) => ({ description });
