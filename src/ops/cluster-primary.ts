/**
 * The primary of `listen.workers: N`: forks N workers that share the edge and admin listeners
 * (node:cluster hands each accepted connection to one worker), serves the metrics port itself with
 * every worker's metrics aggregated, passes SIGHUP and SIGTERM/SIGINT on to every worker, and
 * replaces a worker that dies. It holds no store and answers no traffic.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config/schema.js';
import { storeDriver } from '../config/load.js';
import { errorFields } from '../errors.js';
import { sendError } from '../http/error-response.js';
import { type ClusterMessage, MESSAGE } from './cluster-messages.js';
import { sendStatus } from './health.js';
import type { Logger } from './logger.js';

const MAX_RESTART_DELAY_MS = 30_000;
const NOT_FOUND = errorFields('ERR_TG_NOT_FOUND');
const INTERNAL = errorFields('ERR_TG_INTERNAL');

export interface PrimaryOptions {
  config: Config;
  workers: number;
  logger: Logger;
}

export async function runPrimary(o: PrimaryOptions): Promise<void> {
  const { config, logger } = o;
  const registry = new AggregatorRegistry();
  /** Workers that reported their listeners, by cluster id. */
  const listening = new Map<number, { main: string; admin: string }>();
  const answers = new Map<number, (ready: boolean) => void>();
  let nextQuery = 0;
  let started = false;
  let stopping = false;
  let restartDelay = 0;
  let failed = false;

  /** Ready when not draining and every listening worker is ready (its store answers); at least one must be. */
  async function ready(): Promise<boolean> {
    const workers = [...listening.keys()].map((id) => cluster.workers?.[id]).filter((w): w is Worker => w?.isConnected() === true);
    if (stopping || workers.length === 0) return false;
    const replies = workers.map(
      (worker) =>
        new Promise<boolean>((resolve) => {
          const id = nextQuery++;
          const timer = setTimeout(() => (answers.delete(id), resolve(false)), config.store.timeout * 4);
          answers.set(id, (value) => (clearTimeout(timer), answers.delete(id), resolve(value)));
          worker.send({ type: MESSAGE.readyQuery, id } satisfies ClusterMessage);
        }),
    );
    return (await Promise.all(replies)).every(Boolean);
  }

  const metricsServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/healthz') return sendStatus(res, 200, { status: 'ok' });
    if (req.url === '/readyz') {
      void ready().then((ok) => sendStatus(res, ok ? 200 : 503, { status: ok ? 'ready' : stopping ? 'draining' : 'unready', workers: listening.size }));
      return;
    }
    if (req.url !== '/metrics') return sendError(res, NOT_FOUND);
    registry.clusterMetrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => {
        // The message stays in the log: a 5xx never shows it.
        logger.error({ err }, 'cluster metrics could not be gathered');
        sendError(res, INTERNAL);
      },
    );
  });
  const metricsPort = await new Promise<number>((resolve, reject) => {
    metricsServer.once('error', reject);
    metricsServer.listen(config.listen.metricsPort, config.listen.host, () => resolve((metricsServer.address() as AddressInfo).port));
  });
  const host = config.listen.host === '0.0.0.0' || config.listen.host === '::' ? '127.0.0.1' : config.listen.host;

  cluster.on('message', (worker, message: ClusterMessage) => {
    if (message.type === MESSAGE.readyAnswer) answers.get(message.id)?.(message.ready);
    if (message.type !== MESSAGE.listening) return;
    listening.set(worker.id, message.urls);
    restartDelay = 0;
    if (started || listening.size < o.workers) return;
    started = true;
    const urls = { ...message.urls, metrics: `http://${host}:${metricsPort}` };
    logger.info({ urls, store: storeDriver(config), routes: config.routes.length, workers: o.workers }, 'tollgate listening');
  });

  cluster.on('exit', (worker, code, signal) => {
    const hadListened = listening.delete(worker.id);
    if (stopping) {
      // A worker still starting when the shutdown came is ended by the signal itself: not a failure.
      if (code !== 0 && signal !== 'SIGTERM') failed = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) finish();
      return;
    }
    if (!started) {
      // The others would fail the same way (a port in use, an unreadable file): stop rather than loop.
      logger.fatal({ worker: worker.id, code, signal }, 'a worker failed during start-up; stopping');
      failed = true;
      stop('SIGTERM');
      return;
    }
    restartDelay = hadListened ? 0 : Math.min(MAX_RESTART_DELAY_MS, Math.max(500, restartDelay * 2));
    logger.error({ worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: restartDelay }, 'worker exited; starting a replacement');
    setTimeout(() => stopping || cluster.fork(), restartDelay);
  });

  function finish(): void {
    metricsServer.close();
    logger.info({ failed }, 'all workers stopped');
    logger.flush?.();
    process.exit(failed ? 1 : 0);
  }

  function stop(signal: 'SIGTERM' | 'SIGINT'): void {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: listening.size }, 'shutting down every worker');
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (!worker) continue;
      // A worker still starting has no handler for the message yet; the signal ends it before it listens.
      if (listening.has(worker.id)) worker.send({ type: MESSAGE.signal, signal } satisfies ClusterMessage);
      else worker.process.kill('SIGTERM');
    }
    // Workers finish within their own grace; one that hangs past it is cut.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, config.shutdown.drainDelay + config.shutdown.grace + 5_000).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) finish();
  }

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    logger.info({ workers: listening.size }, 'SIGHUP: every worker reloads');
    for (const id of listening.keys()) cluster.workers?.[id]?.send({ type: MESSAGE.signal, signal: 'SIGHUP' } satisfies ClusterMessage);
  });
  for (let i = 0; i < o.workers; i++) cluster.fork();
}
