/** The admin API (`/admin/v1`) as an Express app, with its one error renderer. */
import express, { type ErrorRequestHandler, type Express } from 'express';
import { gatewayError, GatewayError, ValidationError } from '../errors.js';
import type { Logger } from '../ops/logger.js';
import type { TokenStore } from '../store/token-store.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { Clock } from '../types.js';
import { appsRouter, type AppsDeps } from './apps-router.js';
import type { Audit } from './audit.js';
import { OPENAPI_PATH, openApiHandler } from './openapi.js';
import { authenticateAdmin } from './require-admin.js';
import { tokensRouter } from './tokens-router.js';

export interface AdminDeps {
  store: TokenStore;
  lifecycle: TokenLifecycle;
  audit: Audit;
  logger: Logger;
  clock: Clock;
  onAppDelete?: AppsDeps['onAppDelete'];
  /** Further routers mounted under /admin/v1 after authentication (clients, API keys). */
  extraRouters?: express.Router[];
}

/** Renders GatewayErrors as `{error, error_description, code?, issues?}`; anything else is a 500 whose message stays in the log. */
export function errorRenderer(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let error: GatewayError;
    if (err instanceof GatewayError) error = err;
    else if (err?.type === 'entity.parse.failed') error = new ValidationError(['(body): not valid JSON']);
    else if (err?.type === 'entity.too.large') error = gatewayError('ERR_TG_BODY_TOO_LARGE');
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      error = gatewayError('ERR_TG_INVALID_REQUEST', { status: err.status, description: 'malformed request' });
    } else {
      logger.error({ err, path: req.path }, 'admin request failed');
      error = gatewayError('ERR_TG_INTERNAL');
    }
    if (error.status >= 500 && error.status !== 503) logger.error({ err, id: error.id }, 'admin error');
    res.status(error.status).set(error.headers).set('cache-control', 'no-store');
    const body: Record<string, unknown> = error.toJSON();
    if (error instanceof ValidationError) body.issues = error.issues;
    res.json(body);
  };
}

export function createAdminApp(deps: AdminDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  const api = express.Router();
  api.use(express.json({ limit: '64kb', strict: true }));
  api.use(authenticateAdmin(deps.lifecycle));
  api.use(appsRouter(deps));
  api.use(tokensRouter(deps));
  for (const router of deps.extraRouters ?? []) api.use(router);
  api.use((_req, _res) => {
    throw gatewayError('ERR_TG_NOT_FOUND', { description: 'no such admin endpoint' });
  });
  // The document describes shapes only, as the README does: no admin token needed to read it.
  app.get(OPENAPI_PATH, openApiHandler());
  app.use('/admin/v1', api);
  app.use(errorRenderer(deps.logger));
  return app;
}
