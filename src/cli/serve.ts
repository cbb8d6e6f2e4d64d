/**
 * What `tollgate serve` does: load config, start the gateway, handle signals. Loaded only when serving.
 * With `listen.workers` above 1 this process becomes the cluster primary and every worker runs this
 * same command as a cluster worker.
 */
import cluster from 'node:cluster';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { demoConfig, prepareDemo } from '../demo/demo.js';
import { startEchoUpstream } from '../demo/echo-upstream.js';
import { startGateway } from '../main.js';
import { runPrimary } from '../ops/cluster-primary.js';
import { joinCluster } from '../ops/cluster-worker.js';
import { createLogger } from '../ops/logger.js';
import { createRouteReload } from '../ops/route-reload.js';
import { workerCount } from '../ops/worker-count.js';
import { bootstrapAdminToken } from '../tokens/admin-bootstrap.js';
import { systemClock } from '../types.js';

export interface ServeOptions {
  config?: string;
  demo?: boolean;
}

export async function runServe(o: ServeOptions): Promise<void> {
  let config: Config;
  let configPath: string | undefined;
  let closeDemo = async () => {};
  if (o.demo && !o.config) {
    const echo = await startEchoUpstream();
    closeDemo = () => new Promise((resolve) => echo.server.close(() => resolve()));
    config = demoConfig(echo.url, process.env);
  } else {
    configPath = o.config ?? process.env.TOLLGATE_CONFIG ?? DEFAULT_CONFIG_PATH;
    config = loadConfig(configPath);
  }
  const workers = workerCount(config.listen.workers);
  const rootLogger = createLogger({ level: config.log.level, pretty: config.log.pretty || process.env.LOG_PRETTY === '1' });
  if (cluster.isPrimary && workers > 1) return runPrimary({ config, workers, logger: rootLogger });

  const worker = cluster.isWorker ? joinCluster() : null;
  const logger = worker ? rootLogger.child({ worker: cluster.worker!.id, pid: process.pid }) : rootLogger;
  // While Redis cannot count, every worker enforces its own share of a limit, like a replica does.
  const served: Config = worker ? { ...config, rateLimit: { replicas: config.rateLimit.replicas * workers } } : config;
  const gateway = await startGateway(served, { logger, metricsListener: !worker });
  // One worker adopts the bootstrap token; several at once would race to create the same record.
  if (process.env.TOLLGATE_BOOTSTRAP_TOKEN && (!worker || cluster.worker!.id === 1)) {
    // Serving goes on either way: a refused or unstorable bootstrap token must not take the proxy down.
    await bootstrapAdminToken(gateway.store, gateway.lifecycle, systemClock, { name: 'bootstrap-env', secret: process.env.TOLLGATE_BOOTSTRAP_TOKEN }).then(
      (result) => logger.info({ tokenId: result.record.id, created: result.created }, 'admin token from TOLLGATE_BOOTSTRAP_TOKEN is in place'),
      (err: Error) => logger.error({ reason: err.message }, 'TOLLGATE_BOOTSTRAP_TOKEN not adopted'),
    );
  }
  logger.info({ urls: gateway.urls, store: gateway.store.driver, routes: config.routes.length }, worker ? 'worker listening' : 'tollgate listening');
  if (o.demo) process.stdout.write(`${(await prepareDemo(gateway)).join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Only an orchestrator's SIGTERM needs load balancers to notice first.
    await gateway.stop(signal === 'SIGTERM' ? config.shutdown.drainDelay : 0);
    await closeDemo();
    logger.flush?.();
    process.exit(0);
  };
  const reload = configPath ? createRouteReload({ path: configPath, current: config, setRoutes: gateway.setRoutes, logger }) : null;
  const hangUp = () => {
    gateway.reloadTls();
    if (reload) reload();
    else logger.warn('SIGHUP ignored: no config file to reload (demo mode)');
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', hangUp);
  worker?.serving(gateway, { onSignal: (signal) => (signal === 'SIGHUP' ? hangUp() : void shutdown(signal)), stopping: () => stopping });
}
