/** `/admin/v1/apps`: create, list, read, update and delete RP applications. */
import { Router } from 'express';
import { gatewayError, NotFoundError } from '../errors.js';
import type { TokenStore } from '../store/token-store.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { ADMIN_APP_ID, type AppRecord, type Clock } from '../types.js';
import type { Audit } from './audit.js';
import { appCreateBody, appPatchBody, parseBody } from './bodies.js';
import { actor, requireScope } from './require-admin.js';
import { appView } from './views.js';

export interface AppsDeps {
  store: TokenStore;
  lifecycle: TokenLifecycle;
  audit: Audit;
  clock: Clock;
  /** Extra clean-up when an app is deleted (its clients, API keys), run before the record goes. */
  onAppDelete?: Array<(app: string) => Promise<void>>;
}

/** The app or a 404. */
export async function loadApp(store: TokenStore, id: string): Promise<AppRecord> {
  const app = await store.getApp(id);
  if (!app) throw new NotFoundError(`app "${id}"`);
  return app;
}

/** Revokes an app's tokens, drops its clients and API keys, then the app; returns how many tokens were revoked. */
export async function removeApp({ store, lifecycle, onAppDelete = [] }: Pick<AppsDeps, 'store' | 'lifecycle' | 'onAppDelete'>, id: string): Promise<number> {
  // Credentials go first: if this is interrupted, the app still exists and the delete can be retried.
  const revoked = await lifecycle.revokeApp(id);
  for (const cleanUp of onAppDelete) await cleanUp(id);
  await store.deleteApp(id);
  return revoked;
}

const builtIn = () => gatewayError('ERR_TG_CONFLICT', { description: `the built-in app "${ADMIN_APP_ID}" cannot be changed or deleted` });

export function appsRouter({ store, lifecycle, audit, clock, onAppDelete = [] }: AppsDeps): Router {
  const router = Router();
  router.use('/apps', requireScope('admin.apps'));

  router.get('/apps', async (_req, res) => {
    res.json({ items: (await store.listApps()).map(appView) });
  });

  router.post('/apps', async (req, res) => {
    const body = parseBody(appCreateBody, req.body);
    const app: AppRecord = { id: body.id, name: body.name, scopes: body.scopes, origins: body.origins, createdAt: clock() };
    if (body.tokenTtl !== undefined) app.tokenTtl = body.tokenTtl;
    await store.createApp(app);
    audit(actor(req), { action: 'app.create', target: { app: app.id } });
    res.status(201).json(appView(app));
  });

  router.get('/apps/:app', async (req, res) => {
    res.json(appView(await loadApp(store, req.params.app)));
  });

  router.patch('/apps/:app', async (req, res) => {
    if (req.params.app === ADMIN_APP_ID) throw builtIn();
    const body = parseBody(appPatchBody, req.body);
    const app = { ...(await loadApp(store, req.params.app)), ...body };
    if (!(await store.updateApp(app))) throw new NotFoundError(`app "${app.id}"`);
    audit(actor(req), { action: 'app.update', target: { app: app.id } });
    res.json(appView(app));
  });

  router.delete('/apps/:app', async (req, res) => {
    const id = req.params.app;
    if (id === ADMIN_APP_ID) throw builtIn();
    await loadApp(store, id);
    const revoked = await removeApp({ store, lifecycle, onAppDelete }, id);
    audit(actor(req), { action: 'app.delete', target: { app: id, revokedTokens: revoked } });
    res.status(204).end();
  });

  return router;
}
