/** Composition root: config → store → token lifecycle → edge, admin, metrics listeners; and shutdown. */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdminApp } from './admin/admin-app.js';
import { apiKeysRouter, clientCleanup } from './admin/api-keys-router.js';
import { clientsRouter } from './admin/clients-router.js';
import { createOAuthApp, oauthPrefixes } from './oauth/oauth-app.js';
import { createConsoleHandler } from './admin/console-static.js';
import { createAudit } from './admin/audit.js';
import type { Config } from './config/schema.js';
import { createForwarder } from './edge/forward.js';
import { createDecisionDoor } from './edge/decision-door.js';
import { createEdgeObserver } from './edge/observe.js';
import { createPipeline } from './edge/pipeline.js';
import { createRateLimiter } from './edge/rate-limit.js';
import { createRequestDoor } from './edge/request-door.js';
import { compileRoutes, type RouteTable } from './edge/routes.js';
import { createUpgradeDoor } from './edge/upgrade-door.js';
import { errorFields } from './errors.js';
import { createClientAddressing } from './http/client-address.js';
import { guardConnections } from './http/connection-guards.js';
import { sendError } from './http/error-response.js';
import { createHealthHandler, type Readiness } from './ops/health.js';
import type { Logger } from './ops/logger.js';
import { memoChildren } from './ops/metric-children.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { serverOptions } from './ops/server-limits.js';
import { closingWhenDraining, createShutdown } from './ops/shutdown.js';
import { createTlsReload, readTlsFiles } from './ops/tls.js';
import { createStoreMonitor } from './ops/store-monitor.js';
import { createBackend, type StoreBackend } from './store/backend.js';
import type { ClientStore } from './store/client-store.js';
import type { TokenStore } from './store/token-store.js';
import { ensureAdminApp } from './tokens/admin-bootstrap.js';
import { createTokenLifecycle, type TokenLifecycle } from './tokens/lifecycle.js';
import { createTokenCache } from './tokens/token-cache.js';
import { systemClock, type Clock } from './types.js';

export interface Gateway {
  config: Config;
  store: TokenStore;
  clients: ClientStore;
  lifecycle: TokenLifecycle;
  metrics: Metrics;
  /** Base URLs of the listeners actually bound (ports resolved when 0 was configured); metrics is '' without a metrics listener. */
  urls: { main: string; admin: string; metrics: string; forwardAuth: string };
  /** Swap the route table (config reload). */
  setRoutes(routes: RouteTable): void;
  /** Re-reads `listen.tls` cert and key for new connections (SIGHUP); false when TLS is off or the files are unusable. */
  reloadTls(): boolean;
  /** Readiness fails, listeners stop accepting after `drainDelayMs` (default 0), in-flight requests finish within `shutdown.grace`. */
  stop(drainDelayMs?: number): Promise<void>;
}

export interface GatewayOptions {
  logger: Logger;
  clock?: Clock;
  backend?: StoreBackend;
  /** false in a cluster worker: the primary serves the aggregated metrics (and health) on the metrics port. */
  metricsListener?: boolean;
}

const NOT_FOUND = errorFields('ERR_TG_NOT_FOUND');

/** Paths the gateway answers itself on a listener, ahead of the edge routes: whole subtrees, or `exact` paths only. */
interface Mount {
  prefixes: string[];
  exact?: boolean;
  handler: RequestListener;
}

function mounted(mounts: Mount[], fallback: RequestListener): RequestListener {
  // Prefix forms built once, not per request. An exact mount's `dir` can never match, so `/healthz/x` reaches the fallback.
  const forms = mounts.flatMap((mount) => mount.prefixes.map((prefix) => ({ mount, prefix, dir: mount.exact ? '\u0000' : prefix.endsWith('/') ? prefix : `${prefix}/`, query: `${prefix}?` })));
  return (req, res) => {
    const url = req.url ?? '/';
    for (const { mount, prefix, dir, query } of forms) {
      if (url === prefix || url.startsWith(dir) || url.startsWith(query)) {
        // `checkContinue` is ours: the edge sends 100 only once a request is authorized; mounts want their bodies.
        if (req.headers.expect !== undefined) res.writeContinue();
        return mount.handler(req, res);
      }
    }
    fallback(req, res);
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startGateway(config: Config, options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const backend = options.backend ?? createBackend(config, clock, { onError: (op) => metrics.storeErrors.labels(op).inc() });
  const { tokens: store, clients, revocations } = backend;
  // A shared store gets a local token cache kept exact by revocation events; the memory store is one process already.
  const cacheCounter = { hit: metrics.tokenCacheRequests.labels('hit'), miss: metrics.tokenCacheRequests.labels('miss') };
  const cache = backend.shared ? createTokenCache({ maxStaleness: config.revocation.maxStaleness, onLookup: (hit) => (hit ? cacheCounter.hit : cacheCounter.miss).inc() }, clock) : undefined;
  const lifecycle = createTokenLifecycle(store, config, clock, cache);
  if (cache) {
    revocations.subscribe({
      revoked(id, seconds) {
        cache.evict(id);
        metrics.revocationPropagation.observe(seconds);
      },
      live: (up) => cache.setEnabled(up),
    });
    lifecycle.onRevoke((record) => revocations.publish(record.id));
  }
  const readiness: Readiness = { draining: false };
  const setStoreUp = (up: boolean) => metrics.storeUp.set(up ? 1 : 0);

  let setupPending = false;
  try {
    await store.ready(Math.max(2_000, config.store.timeout * 8));
    await ensureAdminApp(store, clock);
    setStoreUp(true);
  } catch (err) {
    setStoreUp(false);
    setupPending = true;
    logger.warn({ err: (err as Error).message }, 'token store unreachable at start; serving 503 until it answers');
  }
  const monitor = createStoreMonitor({
    store,
    intervalMs: 1_000,
    onState: setStoreUp,
    ...(setupPending ? { whenUp: async () => { await ensureAdminApp(store, clock); logger.info('token store reachable; setup finished'); } } : {}),
  });

  let routes = compileRoutes(config.routes);
  const addressing = createClientAddressing(config.listen.trustedProxies);
  const trust = addressing.trust;
  const upstreamOf = memoChildren((route: string) => metrics.upstreamDuration.labels(route));
  const forwarder = createForwarder({ upstream: (route, seconds) => upstreamOf(route.name).observe(seconds) });
  const observer = createEdgeObserver({ metrics, logger, accessLog: config.log.access });
  const pipeline = createPipeline({
    routes: () => routes,
    lifecycle,
    rateLimit: createRateLimiter({
      counter: backend.counter,
      replicas: config.rateLimit.replicas,
      clientAddress: (ctx) => addressing.address(ctx.req),
      onFallback: () => metrics.storeErrors.labels('rateLimit').inc(),
    }),
    maxHeaders: config.listen.limits.maxHeaders,
    decided: observer.decided,
  });
  const edge = createRequestDoor({ pipeline, forwarder, observer, trust });
  const forwardAuth = config.forwardAuth;
  const decisionMount: Mount | null = forwardAuth
    ? { prefixes: [forwardAuth.path], handler: createDecisionDoor({ pipeline, observer, trust, prefix: forwardAuth.path, ingress: forwardAuth.ingress }) }
    : null;
  const audit = createAudit(logger);
  const clientDeps = { store, clients, lifecycle, audit, clock };
  const admin = createAdminApp({ store, lifecycle, audit, logger, clock, extraRouters: [clientsRouter(clientDeps), apiKeysRouter(clientDeps)], onAppDelete: [clientCleanup(clients)] });
  const oauth = createOAuthApp({ config, store, clients, counter: backend.counter, lifecycle, metrics, logger, clock, addressing });
  const oauthMount: Mount = { prefixes: oauthPrefixes(config), handler: oauth as unknown as RequestListener };
  const notFound: RequestListener = (_req, res) => sendError(res, NOT_FOUND);
  const health = createHealthHandler(store, readiness, monitor.report);
  const healthMount: Mount = { prefixes: ['/healthz', '/readyz'], exact: true, handler: (req, res) => void (health(req, res) || notFound(req, res)) };
  const adminMount: Mount = { prefixes: ['/admin'], handler: admin as unknown as RequestListener };
  const consoleMount: Mount = { prefixes: ['/console'], handler: createConsoleHandler({ settings: { issuer: config.issuer } }) };

  const limits = config.listen.limits;
  const listenerOptions = serverOptions(limits);
  const tlsFiles = config.listen.tls;
  const tlsOptions = tlsFiles ? readTlsFiles(tlsFiles) : null;
  const tlsServers: HttpsServer[] = [];
  const adminSeparate = config.listen.adminPort !== undefined && config.listen.adminPort !== config.listen.port;
  // Port 0 asks for a listener of its own on any free port.
  const decisionSeparate = decisionMount !== null && forwardAuth!.port !== undefined && (forwardAuth!.port === 0 || forwardAuth!.port !== config.listen.port);
  const mainMounts = [...(decisionMount && !decisionSeparate ? [decisionMount] : []), ...(adminSeparate ? [oauthMount] : [healthMount, adminMount, consoleMount, oauthMount])];
  const servers: Server[] = [];
  const make = (handler: RequestListener, secure = false) => {
    const listener = closingWhenDraining(readiness, handler);
    const server = secure && tlsOptions ? createHttpsServer({ ...listenerOptions, ...tlsOptions }, listener) : createServer(listenerOptions, listener);
    if ('setSecureContext' in server) tlsServers.push(server);
    server.on('checkContinue', listener);
    guardConnections(server);
    server.maxConnections = limits.maxConnections;
    // Node parses every header (maxHeaderSize bounds them), so the edge sees the whole list and answers 431 past `maxHeaders`.
    server.maxHeadersCount = 0;
    servers.push(server);
    return server;
  };

  const host = config.listen.host;
  const mainServer = make(mounted(mainMounts, edge), true);
  const upgrades = createUpgradeDoor({ pipeline, observer, trust });
  mainServer.on('upgrade', upgrades.handleUpgrade);
  const mainPort = await listen(mainServer, config.listen.port, host);
  const adminPort = adminSeparate ? await listen(make(mounted([healthMount, adminMount, consoleMount], notFound), true), config.listen.adminPort!, host) : mainPort;
  const decisionPort = decisionSeparate ? await listen(make(mounted([decisionMount!, healthMount], notFound), true), forwardAuth!.port!, host) : mainPort;
  const serveMetrics = async (req: IncomingMessage, res: ServerResponse) => {
    if (health(req, res)) return;
    if (req.url !== '/metrics') return notFound(req, res);
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  };
  const metricsPort = options.metricsListener === false ? null : await listen(make(serveMetrics), config.listen.metricsPort, host);
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const scheme = tlsOptions ? 'https' : 'http';

  const stop = createShutdown({
    servers,
    readiness,
    graceMs: config.shutdown.grace,
    logger,
    async release() {
      upgrades.closeAll();
      monitor.stop();
      await forwarder.close();
      await backend.close();
    },
  });

  return {
    config,
    store,
    clients,
    lifecycle,
    metrics,
    urls: { main: `${scheme}://${shown}:${mainPort}`, admin: `${scheme}://${shown}:${adminPort}`, metrics: metricsPort === null ? '' : `http://${shown}:${metricsPort}`,
      forwardAuth: forwardAuth ? `${scheme}://${shown}:${decisionPort}${forwardAuth.path}` : '',
    },
    setRoutes: (next) => {
      routes = next;
    },
    reloadTls: tlsFiles ? createTlsReload(tlsFiles, tlsServers, logger) : () => false,
    stop,
  };
}
