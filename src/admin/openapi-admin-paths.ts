/** The `/admin/v1` operations of the OpenAPI document. */
import { pageQuery } from './bodies.js';
import { answer, json, noContent, queryParameters, type SchemaName } from './openapi-components.js';

type AdminScope = 'admin.apps' | 'admin.tokens' | 'admin.clients';
type Method = 'get' | 'post' | 'patch' | 'delete';

interface Operation {
  summary: string;
  scope: AdminScope;
  body?: SchemaName;
  ok: Record<string, unknown>;
  parameters?: unknown[];
}

const error = (description: string) => answer(description, 'AdminError');

/** `where`: the collection of apps itself, or something inside one app (which can be missing: 404). */
function operation(method: Method, where: '/apps' | '{app}', op: Operation) {
  const errors: Record<string, unknown> = {
    400: error(op.body ? 'a malformed Authorization header, or a body that fails validation (`issues` lists each problem with its path)' : 'a malformed Authorization header'),
    401: error('no admin token, or one that is invalid, expired or revoked'),
    403: error(`the admin token lacks ${method === 'get' ? `admin.read or ${op.scope}` : op.scope}`),
    ...(where === '{app}' ? { 404: error('no such app, or no such record in it') } : {}),
    ...(method === 'get' ? {} : { 409: error('a duplicate, or a change the built-in tollgate-admin app does not allow') }),
    ...(op.body ? { 413: error('body over 64 KiB') } : {}),
    500: error('internal error (details only in the log)'),
    503: error('the token store is unreachable; retry after Retry-After'),
  };
  return {
    summary: op.summary,
    tags: ['admin'],
    security: [{ adminToken: method === 'get' ? ['admin.read', op.scope] : [op.scope] }],
    ...(op.parameters ? { parameters: op.parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: json(op.body) } } : {}),
    responses: { ...op.ok, ...errors },
  };
}

const param = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const app = param('app', 'app id');
const id = (what: string) => param('id', `${what} id`);

export function adminPaths() {
  return {
    '/admin/v1/apps': {
      get: operation('get', '/apps', { summary: 'List apps', scope: 'admin.apps', ok: { 200: answer('every app', 'AppList') } }),
      post: operation('post', '/apps', { summary: 'Create an app', scope: 'admin.apps', body: 'AppCreate', ok: { 201: answer('the app', 'App') } }),
    },
    '/admin/v1/apps/{app}': {
      parameters: [app],
      get: operation('get', '{app}', { summary: 'Read an app', scope: 'admin.apps', ok: { 200: answer('the app', 'App') } }),
      patch: operation('patch', '{app}', { summary: 'Change an app', scope: 'admin.apps', body: 'AppPatch', ok: { 200: answer('the changed app', 'App') } }),
      delete: operation('delete', '{app}', { summary: 'Delete an app, revoking its tokens and removing its clients and API keys', scope: 'admin.apps', ok: { 204: noContent('deleted') } }),
    },
    '/admin/v1/apps/{app}/tokens': {
      parameters: [app],
      get: operation('get', '{app}', { summary: 'List an app\'s live tokens, a page at a time', scope: 'admin.tokens', parameters: queryParameters(pageQuery), ok: { 200: answer('a page of token records (never a token)', 'TokenPage') } }),
      post: operation('post', '{app}', { summary: 'Issue a token', scope: 'admin.tokens', body: 'TokenCreate', ok: { 201: answer('the record and the token, shown this once', 'CreatedToken') } }),
    },
    '/admin/v1/apps/{app}/tokens/{id}': {
      parameters: [app, id('token (tok_...)')],
      get: operation('get', '{app}', { summary: 'Read a token record', scope: 'admin.tokens', ok: { 200: answer('the token record', 'Token') } }),
      delete: operation('delete', '{app}', { summary: 'Revoke a token', scope: 'admin.tokens', ok: { 204: noContent('revoked') } }),
    },
    '/admin/v1/apps/{app}/clients': {
      parameters: [app],
      get: operation('get', '{app}', { summary: 'List an app\'s OAuth clients', scope: 'admin.clients', ok: { 200: answer('every client (never a secret)', 'ClientList') } }),
      post: operation('post', '{app}', { summary: 'Register an OAuth client', scope: 'admin.clients', body: 'ClientCreate', ok: { 201: answer('the client and its secret or generated key, shown this once', 'CreatedClient') } }),
    },
    '/admin/v1/apps/{app}/clients/{id}': {
      parameters: [app, id('client (cl_...)')],
      get: operation('get', '{app}', { summary: 'Read a client', scope: 'admin.clients', ok: { 200: answer('the client', 'Client') } }),
      delete: operation('delete', '{app}', { summary: 'Delete a client, revoking its tokens', scope: 'admin.clients', ok: { 204: noContent('deleted') } }),
    },
    '/admin/v1/apps/{app}/clients/{id}/secret': {
      parameters: [app, id('client (cl_...)')],
      post: operation('post', '{app}', { summary: 'Rotate a client secret', scope: 'admin.clients', ok: { 200: answer('the new secret, shown this once', 'RotatedSecret') } }),
    },
    '/admin/v1/apps/{app}/api-keys': {
      parameters: [app],
      get: operation('get', '{app}', { summary: 'List an app\'s API keys', scope: 'admin.clients', ok: { 200: answer('every API key record (never a key)', 'ApiKeyList') } }),
      post: operation('post', '{app}', { summary: 'Create an API key for key exchange', scope: 'admin.clients', body: 'ApiKeyCreate', ok: { 201: answer('the record and the key, shown this once', 'CreatedApiKey') } }),
    },
    '/admin/v1/apps/{app}/api-keys/{id}': {
      parameters: [app, id('API key')],
      delete: operation('delete', '{app}', { summary: 'Delete an API key, revoking its tokens', scope: 'admin.clients', ok: { 204: noContent('deleted') } }),
    },
    '/admin/v1/openapi.json': {
      get: {
        summary: 'This document',
        tags: ['admin'],
        security: [],
        responses: { 200: { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
}
