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

/** The operations of one area, all under the area's scope; `where` as in `operation`. */
function area(scope: AdminScope, where: '/apps' | '{app}') {
  return (method: Method, summary: string, ok: Record<string, unknown>, extra: Pick<Operation, 'body' | 'parameters'> = {}) => operation(method, where, { summary, scope, ok, ...extra });
}
const appList = area('admin.apps', '/apps');
const apps = area('admin.apps', '{app}');
const tokens = area('admin.tokens', '{app}');
const clients = area('admin.clients', '{app}');

const param = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const app = param('app', 'app id');
const id = (what: string) => param('id', `${what} id`);

export function adminPaths() {
  return {
    '/admin/v1/apps': {
      get: appList('get', 'List apps', { 200: answer('every app', 'AppList') }),
      post: appList('post', 'Create an app', { 201: answer('the app', 'App') }, { body: 'AppCreate' }),
    },
    '/admin/v1/apps/{app}': {
      parameters: [app],
      get: apps('get', 'Read an app', { 200: answer('the app', 'App') }),
      patch: apps('patch', 'Change an app', { 200: answer('the changed app', 'App') }, { body: 'AppPatch' }),
      delete: apps('delete', 'Delete an app, revoking its tokens and removing its clients and API keys', { 204: noContent('deleted') }),
    },
    '/admin/v1/apps/{app}/tokens': {
      parameters: [app],
      get: tokens('get', 'List an app\'s live tokens, a page at a time', { 200: answer('a page of token records (never a token)', 'TokenPage') }, { parameters: queryParameters(pageQuery) }),
      post: tokens('post', 'Issue a token', { 201: answer('the record and the token, shown this once', 'CreatedToken') }, { body: 'TokenCreate' }),
    },
    '/admin/v1/apps/{app}/tokens/{id}': {
      parameters: [app, id('token (tok_...)')],
      get: tokens('get', 'Read a token record', { 200: answer('the token record', 'Token') }),
      delete: tokens('delete', 'Revoke a token', { 204: noContent('revoked') }),
    },
    '/admin/v1/apps/{app}/clients': {
      parameters: [app],
      get: clients('get', 'List an app\'s OAuth clients', { 200: answer('every client (never a secret)', 'ClientList') }),
      post: clients('post', 'Register an OAuth client', { 201: answer('the client and its secret or generated key, shown this once', 'CreatedClient') }, { body: 'ClientCreate' }),
    },
    '/admin/v1/apps/{app}/clients/{id}': {
      parameters: [app, id('client (cl_...)')],
      get: clients('get', 'Read a client', { 200: answer('the client', 'Client') }),
      delete: clients('delete', 'Delete a client, revoking its tokens', { 204: noContent('deleted') }),
    },
    '/admin/v1/apps/{app}/clients/{id}/secret': {
      parameters: [app, id('client (cl_...)')],
      post: clients('post', 'Rotate a client secret', { 200: answer('the new secret, shown this once', 'RotatedSecret') }),
    },
    '/admin/v1/apps/{app}/api-keys': {
      parameters: [app],
      get: clients('get', 'List an app\'s API keys', { 200: answer('every API key record (never a key)', 'ApiKeyList') }),
      post: clients('post', 'Create an API key for key exchange', { 201: answer('the record and the key, shown this once', 'CreatedApiKey') }, { body: 'ApiKeyCreate' }),
    },
    '/admin/v1/apps/{app}/api-keys/{id}': {
      parameters: [app, id('API key')],
      delete: clients('delete', 'Delete an API key, revoking its tokens', { 204: noContent('deleted') }),
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
