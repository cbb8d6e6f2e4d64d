/**
 * `/admin/v1/apps/{app}/clients`: OAuth clients. The secret or generated private key is shown
 * once, at creation or rotation. Deleting a client revokes every token it holds.
 */
import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { gatewayError, NotFoundError, ValidationError } from '../errors.js';
import { generateClientKey, toClientKey } from '../oauth/client-keys.js';
import type { ClientRecord, ClientStore } from '../store/client-store.js';
import type { TokenStore } from '../store/token-store.js';
import { generateSecret, hashSecret } from '../tokens/format.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { ADMIN_APP_ID, type AppRecord, type Clock } from '../types.js';
import type { Audit } from './audit.js';
import { loadApp } from './apps-router.js';
import { parseBody } from './bodies.js';
import { clientCreateBody } from './client-bodies.js';
import { actor, requireScope } from './require-admin.js';
import { clientView } from './views.js';

export interface ClientsDeps {
  store: TokenStore;
  clients: ClientStore;
  lifecycle: TokenLifecycle;
  audit: Audit;
  clock: Clock;
}

const DEFAULT_TOKEN_TTL = 3_600_000;

/** Loads an app that may hold clients and API keys (not the built-in admin app). */
export async function loadClientApp(store: TokenStore, id: string): Promise<AppRecord> {
  if (id === ADMIN_APP_ID) throw gatewayError('ERR_TG_CONFLICT', { description: `the built-in app "${ADMIN_APP_ID}" has no OAuth clients or API keys` });
  return loadApp(store, id);
}

/**
 * Revokes every token a holder (client or API key) has, through the lifecycle, then forgets them.
 * The holder is closed first, so a token issued during the deletion is refused or born revoked.
 */
export async function revokeHolderTokens(clients: ClientStore, lifecycle: TokenLifecycle, holder: string): Promise<number> {
  let count = 0;
  for (const id of await clients.closeHolder(holder)) if (await lifecycle.revoke(id)) count++;
  await clients.forgetHolder(holder);
  return count;
}

export function clientsRouter({ store, clients, lifecycle, audit, clock }: ClientsDeps): Router {
  const router = Router();
  router.use('/apps/:app/clients', requireScope('admin.clients'));

  async function loadClient(req: Request<{ app: string; id: string }>): Promise<ClientRecord> {
    const client = await clients.getClient(req.params.id);
    if (!client || client.app !== req.params.app) throw new NotFoundError(`client "${req.params.id}"`);
    return client;
  }

  router.post('/apps/:app/clients', async (req, res) => {
    const app = await loadClientApp(store, req.params.app);
    const body = parseBody(clientCreateBody, req.body);
    if (body.tokenTtl !== undefined && body.tokenTtl < 60_000) {
      throw gatewayError('ERR_TG_INVALID_PARAMETER', { description: 'tokenTtl: must be at least 60 seconds' });
    }
    const problems = body.scopes.flatMap((scope, i) => (app.scopes.includes(scope) ? [] : [`scopes[${i}]: "${scope}" is not a scope of app "${app.id}"`]));
    const keys = (body.jwks?.keys ?? []).map((key, i) => {
      const parsed = toClientKey(key);
      if (typeof parsed === 'string') problems.push(`jwks.keys[${i}]: ${parsed}`);
      return parsed;
    });
    if (new Set(keys.map((k) => (typeof k === 'string' ? k : k.kid))).size !== keys.length) problems.push('jwks.keys: kid values must be unique');
    if (problems.length > 0) throw new ValidationError(problems);

    const who = actor(req);
    const client: ClientRecord = {
      id: `cl_${randomBytes(10).toString('hex')}`,
      app: app.id,
      name: body.name,
      type: body.type,
      ...(body.owner !== undefined ? { owner: body.owner } : {}),
      ...(body.role !== undefined ? { role: body.role } : {}),
      auth: body.auth,
      scopes: body.scopes,
      tokenTtl: body.tokenTtl ?? DEFAULT_TOKEN_TTL,
      maxActiveTokens: body.maxActiveTokens,
      ...(body.assertionMaxLifetime !== undefined ? { assertionMaxLifetime: body.assertionMaxLifetime } : {}),
      onTokenCap: body.onTokenCap,
      createdBy: who.subject,
      createdAt: clock(),
    };
    const shown: Record<string, string> = {};
    if (body.auth === 'client_secret') {
      shown.client_secret = generateSecret('clientSecret');
      client.secretHash = hashSecret(shown.client_secret);
    } else if (body.jwks_uri) client.jwksUri = body.jwks_uri;
    else if (body.jwks) client.jwks = keys.filter((k) => typeof k !== 'string');
    else {
      const generated = await generateClientKey();
      client.jwks = [generated.publicKey];
      shown.kid = generated.publicKey.kid;
      shown.client_key = generated.privateKeyBase64;
    }
    await clients.createClient(client);
    audit(who, { action: 'client.create', target: { app: app.id, clientId: client.id, auth: client.auth } });
    res.status(201).set('cache-control', 'no-store').json({ ...shown, ...clientView(client) });
  });

  router.get('/apps/:app/clients', async (req, res) => {
    await loadApp(store, req.params.app);
    res.json({ items: (await clients.listClients(req.params.app)).map(clientView) });
  });

  router.get('/apps/:app/clients/:id', async (req, res) => {
    res.json(clientView(await loadClient(req)));
  });

  router.delete('/apps/:app/clients/:id', async (req, res) => {
    const client = await loadClient(req);
    // The record goes first, so no new token is issued while the held ones are revoked.
    await clients.deleteClient(client.id);
    const revoked = await revokeHolderTokens(clients, lifecycle, client.id);
    audit(actor(req), { action: 'client.delete', target: { app: client.app, clientId: client.id, revokedTokens: revoked } });
    res.status(204).end();
  });

  router.post('/apps/:app/clients/:id/secret', async (req, res) => {
    const client = await loadClient(req);
    if (client.auth !== 'client_secret') throw gatewayError('ERR_TG_CONFLICT', { description: 'only client_secret clients have a secret to rotate' });
    const secret = generateSecret('clientSecret');
    if (!(await clients.updateClient({ ...client, secretHash: hashSecret(secret) }))) throw new NotFoundError(`client "${client.id}"`);
    audit(actor(req), { action: 'client.rotate_secret', target: { app: client.app, clientId: client.id } });
    res.status(200).set('cache-control', 'no-store').json({ client_id: client.id, client_secret: secret });
  });

  return router;
}
