/**
 * The token service as an Express app on the main listener: `/oauth/*`, RFC 8414 metadata and,
 * when configured, the HYPR and Hypersign aliases. Each endpoint is a list of named steps.
 */
import { readFileSync } from 'node:fs';
import express, { type Express, type Request } from 'express';
import type { Config } from '../config/schema.js';
import { gatewayError } from '../errors.js';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { ClientStore } from '../store/client-store.js';
import type { Counter } from '../store/counter.js';
import type { TokenStore } from '../store/token-store.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { Clock } from '../types.js';
import { createAppCache } from './app-cache.js';
import { createCallerAuthenticator } from './authenticate-caller.js';
import { createClientAuthenticator } from './authenticate-client.js';
import { hyprPolicy, strictPolicy, type AssertionPolicy } from './assertion-policy.js';
import { createAssertionVerifier } from './client-assertion.js';
import { createClientKeyCache } from './client-key-cache.js';
import { introspectEndpoint } from './introspect.js';
import { createAccessTokenIssuer } from './issue-access-token.js';
import { createJwksCache } from './jwks-cache.js';
import { keyExchange } from './key-exchange.js';
import { metadataEndpoint } from './metadata.js';
import { noStore, oauthErrorRenderer } from './oauth-errors.js';
import { revokeEndpoint } from './revoke.js';
import { tokenEndpoint } from './token-endpoint.js';
import type { ClientAddressing } from '../http/client-address.js';
import { createTokenRateLimits } from './token-rate-limits.js';

export interface OAuthDeps {
  config: Config;
  store: TokenStore;
  clients: ClientStore;
  /** The store's rate-limit counter. */
  counter: Counter;
  lifecycle: TokenLifecycle;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** Who the client is, decided by http/client-address.ts for every listener. */
  addressing: ClientAddressing;
}

export const HYPR_EXCHANGE_PATH = '/rp/token/endpoint/exchange/clientcredentials';
export const HYPERSIGN_KEY_PATH = '/api/v1/app/oauth';
export const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** The path prefixes this app answers, for the main listener's dispatcher. */
export function oauthPrefixes(config: Config): string[] {
  return ['/oauth', METADATA_PATH, ...(config.compat.hypr ? [HYPR_EXCHANGE_PATH] : []), ...(config.compat.hypersign ? [HYPERSIGN_KEY_PATH] : [])];
}

export function createOAuthApp(deps: OAuthDeps): Express {
  const { config, store, clients, lifecycle, metrics, logger, clock } = deps;
  const jwks = createJwksCache({
    timeout: config.jwks.timeout,
    maxBytes: config.jwks.maxBytes,
    cacheTtl: config.jwks.cacheTtl,
    allowPrivateAddresses: config.jwks.allowPrivateAddresses,
    ...(config.jwks.caFile ? { ca: readFileSync(config.jwks.caFile, 'utf8') } : {}),
    clock,
  });
  const imported = createClientKeyCache();
  const verifierFor = (policy: AssertionPolicy) => createAssertionVerifier({ clients, jwks, config, clock, policy, imported });
  const authenticateClient = createClientAuthenticator(clients, verifierFor(strictPolicy(config)));
  const limits = createTokenRateLimits(config, deps.counter, (req: Request) => req.oauthClient?.client.id ?? 'unknown');
  const issueAccessToken = createAccessTokenIssuer({ lifecycle, clients, metrics, clock });
  // Whatever revokes an access token (admin, app deletion, another endpoint) frees its slot.
  lifecycle.onRevoke((record) => {
    if (record.kind === 'access' && record.clientId !== undefined) clients.releaseToken(record.clientId, record.id).catch(() => undefined);
  });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', deps.addressing.expressTrust);
  app.set('query parser', false);

  const apps = createAppCache(store, config.revocation.maxStaleness, clock);
  const token = tokenEndpoint({ apps, authenticateClient, limits, issueAccessToken });
  const key = keyExchange({ store, clients, limits, issueAccessToken });
  app.all('/oauth/token', ...token);
  app.all('/oauth/key', ...key);
  app.all('/oauth/introspect', ...introspectEndpoint({ lifecycle, authenticateCaller: createCallerAuthenticator(lifecycle, authenticateClient, true), limits }));
  app.all('/oauth/revoke', ...revokeEndpoint({ lifecycle, clients, authenticateCaller: createCallerAuthenticator(lifecycle, authenticateClient, false), limits }));
  app.get(METADATA_PATH, metadataEndpoint(config));
  if (config.compat.hypr) {
    const authenticateHyprClient = createClientAuthenticator(clients, verifierFor(hyprPolicy(config)));
    app.all(HYPR_EXCHANGE_PATH, ...tokenEndpoint({ apps, authenticateClient: authenticateHyprClient, limits, issueAccessToken, hyprGrant: true }));
  }
  if (config.compat.hypersign) app.all(HYPERSIGN_KEY_PATH, ...key);
  app.use(noStore, (_req, _res) => {
    throw gatewayError('ERR_TG_NOT_FOUND', { description: 'no such token service endpoint' });
  });
  app.use(oauthErrorRenderer(logger, metrics));
  return app;
}
