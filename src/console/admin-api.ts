/** The admin API over fetch: Bearer header from the session, JSON in and out, typed errors. */
import { ApiError } from './api-error.js';
import type { ApiKeyRow, App, ClientRow, Page, TokenRow } from './models.js';

export interface AdminApi {
  listApps(): Promise<App[]>;
  listTokens(app: string, cursor?: string): Promise<Page<TokenRow>>;
  createToken(app: string, body: { name: string; kind: 'api' | 'install'; scopes: string[] }): Promise<TokenRow & { token: string }>;
  revokeToken(app: string, id: string): Promise<void>;
  listClients(app: string, cursor?: string): Promise<Page<ClientRow>>;
  createClient(app: string, body: Record<string, unknown>): Promise<ClientRow & { client_secret?: string; kid?: string; client_key?: string }>;
  rotateSecret(app: string, id: string): Promise<{ client_id: string; client_secret: string }>;
  deleteClient(app: string, id: string): Promise<void>;
  listApiKeys(app: string, cursor?: string): Promise<Page<ApiKeyRow>>;
  createApiKey(app: string, body: { name: string; scopes?: string[] }): Promise<ApiKeyRow & { key: string }>;
  revokeApiKey(app: string, id: string): Promise<void>;
}

/** `token()` is read on every call; `onUnauthorized` runs when the admin token stops working (401). */
export function createAdminApi(token: () => string | null, onUnauthorized: (message: string) => void): AdminApi {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token() ?? ''}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`/admin/v1${path}`, { method, headers, cache: 'no-store', credentials: 'omit', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch {
      throw new ApiError(0, 'network_error', 'the gateway did not answer');
    }
    const text = await response.text();
    const json = text ? safeJson(text) : null;
    if (response.ok) return json as T;
    const problem = (json ?? {}) as { error?: string; error_description?: string; issues?: string[] };
    const error = new ApiError(response.status, problem.error ?? 'error', problem.error_description ?? `request failed (${response.status})`, problem.issues ?? []);
    if (response.status === 401) onUnauthorized('Your admin token is invalid, expired or was revoked. Sign in again with a valid admin token.');
    throw error;
  }

  const seg = encodeURIComponent;
  const page = (cursor?: string) => (cursor ? `?cursor=${seg(cursor)}` : '');
  return {
    listApps: async () => (await call<{ items: App[] }>('GET', '/apps')).items,
    listTokens: (app, cursor) => call('GET', `/apps/${seg(app)}/tokens${page(cursor)}`),
    createToken: (app, body) => call('POST', `/apps/${seg(app)}/tokens`, body),
    revokeToken: (app, id) => call('DELETE', `/apps/${seg(app)}/tokens/${seg(id)}`),
    listClients: (app, cursor) => call('GET', `/apps/${seg(app)}/clients${page(cursor)}`),
    createClient: (app, body) => call('POST', `/apps/${seg(app)}/clients`, body),
    rotateSecret: (app, id) => call('POST', `/apps/${seg(app)}/clients/${seg(id)}/secret`),
    deleteClient: (app, id) => call('DELETE', `/apps/${seg(app)}/clients/${seg(id)}`),
    listApiKeys: (app, cursor) => call('GET', `/apps/${seg(app)}/api-keys${page(cursor)}`),
    createApiKey: (app, body) => call('POST', `/apps/${seg(app)}/api-keys`, body),
    revokeApiKey: (app, id) => call('DELETE', `/apps/${seg(app)}/api-keys/${seg(id)}`),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
