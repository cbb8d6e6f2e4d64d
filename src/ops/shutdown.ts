/**
 * Graceful shutdown: readiness fails first, listeners keep accepting for `drainDelay` (load balancers
 * notice), then stop accepting; in-flight requests and streams finish until the `grace` deadline
 * (counted from the start), keep-alive connections close after their current response; then resources close.
 */
import type { RequestListener, Server } from 'node:http';
import type { Logger } from './logger.js';
import type { Readiness } from './health.js';

export interface ShutdownDeps {
  servers: readonly Server[];
  readiness: Readiness;
  graceMs: number;
  logger: Logger;
  /** Closes what the listeners used (upstream agents, Redis); runs once every connection is gone. */
  release(): Promise<void>;
}

/** Responses written while draining ask the client to close, so keep-alive connections end cleanly. */
export function closingWhenDraining(readiness: Readiness, handler: RequestListener): RequestListener {
  return (req, res) => {
    if (readiness.draining) res.setHeader('connection', 'close');
    handler(req, res);
  };
}

const IDLE_SWEEP_MS = 50;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Returns `stop(drainDelayMs)`; calling it again returns the same shutdown. */
export function createShutdown(deps: ShutdownDeps): (drainDelayMs?: number) => Promise<void> {
  let running: Promise<void> | null = null;

  async function run(drainDelayMs: number): Promise<void> {
    const deadline = Date.now() + deps.graceMs;
    deps.readiness.draining = true;
    if (drainDelayMs > 0) await delay(Math.min(drainDelayMs, deps.graceMs));
    const closed = Promise.all(deps.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    const closeIdle = () => {
      for (const s of deps.servers) s.closeIdleConnections();
    };
    closeIdle();
    // A keep-alive connection whose response began before the drain goes idle later: close it then.
    const sweeper = setInterval(closeIdle, IDLE_SWEEP_MS).unref();
    deps.logger.info({ drainDelayMs, graceMs: deps.graceMs }, 'listeners closed; finishing in-flight requests');
    const finished = await Promise.race([closed.then(() => true), delay(Math.max(0, deadline - Date.now())).then(() => false)]);
    clearInterval(sweeper);
    if (!finished) {
      deps.logger.warn('shutdown grace elapsed; closing the remaining connections');
      for (const s of deps.servers) s.closeAllConnections();
    }
    await deps.release();
  }

  return (drainDelayMs = 0) => (running ??= run(drainDelayMs));
}
