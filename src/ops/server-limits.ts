/** Listener options from `listen.limits`: every timeout and size chosen deliberately, none left to Node's defaults. */
import type { ServerOptions } from 'node:http';
import type { Config } from '../config/schema.js';

/** Node sweeps for expired headers/request timers on this interval (default 30 s), so it bounds how late they bite. */
function checkingInterval(limits: Config['listen']['limits']): number {
  const shortest = Math.min(limits.headersTimeout || 30_000, limits.requestTimeout || 30_000);
  return Math.min(30_000, Math.max(100, Math.floor(shortest / 4)));
}

/** Options for http.createServer / https.createServer. */
export function serverOptions(limits: Config['listen']['limits']): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headersTimeout,
    requestTimeout: limits.requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    connectionsCheckingInterval: checkingInterval(limits),
    insecureHTTPParser: false,
  };
}
