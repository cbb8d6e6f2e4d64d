/**
 * The OpenAPI 3.1 document for the admin API, the token service and the health endpoints, built
 * once from the zod schemas (openapi-components.ts) and served at `/admin/v1/openapi.json`
 * without authentication: it describes shapes only, the same ones the README documents.
 */
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import { adminPaths } from './openapi-admin-paths.js';
import { componentSchemas } from './openapi-components.js';
import { servicePaths } from './openapi-service-paths.js';

export const OPENAPI_PATH = '/admin/v1/openapi.json';

/** package.json sits two levels up from both src/admin and dist/admin (the image copies it too). */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildOpenApiDocument() {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'tollgate',
      version: VERSION,
      description:
        'Admin API (`/admin/v1`, on the admin listener), token service (`/oauth/*` and the compat aliases, on the main listener) and health (`/healthz`, `/readyz`, on the metrics listener). Errors are `{error, error_description, code?}`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [{ name: 'admin' }, { name: 'token service' }, { name: 'health' }],
    paths: { ...adminPaths(), ...servicePaths() },
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'a token of the built-in app tollgate-admin; the listed scopes are alternatives' },
        clientBasic: { type: 'http', scheme: 'basic', description: 'client_secret_basic: client id and secret, each form-urlencoded first (RFC 6749 2.3.1)' },
        apiSecretKey: { type: 'apiKey', in: 'header', name: 'X-Api-Secret-Key', description: 'an API key (tg_k_...) of the app' },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

/** Serves the document, serialized once. */
export function openApiHandler() {
  const body = JSON.stringify(buildOpenApiDocument());
  return function openApi(_req: Request, res: Response): void {
    res.status(200).set({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' }).send(body);
  };
}
