/** `/admin/v1/apps/{app}/tokens`: issue (secret shown once), list, read and revoke. */
import { Router } from 'express';
import { gatewayError, NotFoundError, ValidationError } from '../errors.js';
import { ADMIN_APP_ID } from '../types.js';
import type { TokenStore } from '../store/token-store.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { Audit } from './audit.js';
import { loadApp } from './apps-router.js';
import { pageQuery, parseBody, tokenCreateBody } from './bodies.js';
import { actor, requireScope } from './require-admin.js';
import { tokenView } from './views.js';

export function tokensRouter({ store, lifecycle, audit }: { store: TokenStore; lifecycle: TokenLifecycle; audit: Audit }): Router {
  const router = Router();
  router.use('/apps/:app/tokens', requireScope('admin.tokens'));

  router.post('/apps/:app/tokens', async (req, res) => {
    const app = await loadApp(store, req.params.app);
    const body = parseBody(tokenCreateBody, req.body);
    const outside = body.scopes.flatMap((scope, i) => (app.scopes.includes(scope) ? [] : [`scopes[${i}]: "${scope}" is not a scope of app "${app.id}"`]));
    if (outside.length > 0) throw new ValidationError(outside);
    const who = actor(req);
    // An admin token hands out only admin scopes its caller holds: no escalation through token creation.
    const beyond = app.id === ADMIN_APP_ID ? body.scopes.filter((scope) => !who.scopes.includes(scope)) : [];
    if (beyond.length > 0) {
      throw gatewayError('ERR_TG_INSUFFICIENT_SCOPE', { description: `an admin token can only grant scopes its caller holds; not held: ${beyond.join(' ')}` });
    }
    const ttl = body.ttl ?? (body.kind === 'api' ? app.tokenTtl : undefined);
    const { token, record } = await lifecycle.issue({
      app: app.id,
      kind: body.kind,
      name: body.name,
      scopes: body.scopes,
      createdBy: who.subject,
      ...(body.subject !== undefined ? { subject: body.subject } : {}),
      ...(ttl !== undefined ? { ttl } : {}),
    });
    audit(who, { action: 'token.create', target: { app: app.id, tokenId: record.id, kind: record.kind, name: record.name } });
    res.status(201).set('cache-control', 'no-store').json({ token, ...tokenView(record) });
  });

  router.get('/apps/:app/tokens', async (req, res) => {
    await loadApp(store, req.params.app);
    const query = parseBody(pageQuery, req.query);
    const page = await lifecycle.list(req.params.app, query.cursor, query.limit);
    res.json({ items: page.items.map(tokenView), ...(page.next ? { nextCursor: page.next } : {}) });
  });

  router.get('/apps/:app/tokens/:id', async (req, res) => {
    const record = await lifecycle.get(req.params.id);
    if (!record || record.app !== req.params.app || record.revokedAt !== undefined) throw new NotFoundError(`token "${req.params.id}"`);
    res.json(tokenView(record));
  });

  router.delete('/apps/:app/tokens/:id', async (req, res) => {
    const record = await lifecycle.get(req.params.id);
    if (!record || record.app !== req.params.app || record.revokedAt !== undefined) throw new NotFoundError(`token "${req.params.id}"`);
    await lifecycle.revoke(record.id);
    audit(actor(req), { action: 'token.revoke', target: { app: record.app, tokenId: record.id } });
    res.status(204).end();
  });

  return router;
}
