/** `/admin/v1/apps/{app}/api-keys`: app secrets for key exchange, shown once; deleting one revokes its tokens. */
import { Router } from 'express';
import { NotFoundError, ValidationError } from '../errors.js';
import { apiKeyIdFromHash } from '../oauth/key-exchange.js';
import type { ApiKeyRecord, ClientStore } from '../store/client-store.js';
import type { TokenStore } from '../store/token-store.js';
import { generateSecret, hashSecret } from '../tokens/format.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { Clock } from '../types.js';
import type { Audit } from './audit.js';
import { loadApp } from './apps-router.js';
import { parseBody } from './bodies.js';
import { apiKeyCreateBody } from './client-bodies.js';
import { loadClientApp, revokeHolderTokens } from './clients-router.js';
import { actor, requireScope } from './require-admin.js';
import { apiKeyView } from './views.js';

export function apiKeysRouter({ store, clients, lifecycle, audit, clock }: { store: TokenStore; clients: ClientStore; lifecycle: TokenLifecycle; audit: Audit; clock: Clock }): Router {
  const router = Router();
  router.use('/apps/:app/api-keys', requireScope('admin.clients'));

  router.post('/apps/:app/api-keys', async (req, res) => {
    const app = await loadClientApp(store, req.params.app);
    const body = parseBody(apiKeyCreateBody, req.body);
    const problems = (body.scopes ?? []).flatMap((scope, i) => (app.scopes.includes(scope) ? [] : [`scopes[${i}]: "${scope}" is not a scope of app "${app.id}"`]));
    if (body.tokenTtl < 60_000) problems.push('tokenTtl: must be at least 60 seconds');
    if (problems.length > 0) throw new ValidationError(problems);
    const key = generateSecret('apiKey');
    const hash = hashSecret(key);
    const who = actor(req);
    const record: ApiKeyRecord = { id: apiKeyIdFromHash(hash), app: app.id, name: body.name, hash, scopes: body.scopes ?? app.scopes, tokenTtl: body.tokenTtl, createdBy: who.subject, createdAt: clock() };
    await clients.createApiKey(record);
    audit(who, { action: 'api_key.create', target: { app: app.id, keyId: record.id } });
    res.status(201).set('cache-control', 'no-store').json({ key, ...apiKeyView(record) });
  });

  router.get('/apps/:app/api-keys', async (req, res) => {
    await loadApp(store, req.params.app);
    res.json({ items: (await clients.listApiKeys(req.params.app)).map(apiKeyView) });
  });

  router.delete('/apps/:app/api-keys/:id', async (req, res) => {
    const key = await clients.getApiKey(req.params.id);
    if (!key || key.app !== req.params.app) throw new NotFoundError(`API key "${req.params.id}"`);
    await clients.deleteApiKey(key.id);
    const revoked = await revokeHolderTokens(clients, lifecycle, key.id);
    audit(actor(req), { action: 'api_key.delete', target: { app: key.app, keyId: key.id, revokedTokens: revoked } });
    res.status(204).end();
  });

  return router;
}

/** App deletion: its tokens are already revoked; drop its clients and API keys. */
export function clientCleanup(clients: ClientStore): (app: string) => Promise<void> {
  return async (app) => {
    for (const client of await clients.listClients(app)) {
      await clients.deleteClient(client.id);
      await clients.forgetHolder(client.id);
    }
    for (const key of await clients.listApiKeys(app)) {
      await clients.deleteApiKey(key.id);
      await clients.forgetHolder(key.id);
    }
  };
}
