/** What every door reports about a request: decision counters, request counters and latencies, the access log. */
import type { Logger } from '../ops/logger.js';
import { memoChildren } from '../ops/metric-children.js';
import { methodLabel, type DecisionReason, type Metrics } from '../ops/metrics.js';
import type { EdgeContext } from './context.js';

export interface EdgeObserver {
  decided(ctx: EdgeContext, reason: DecisionReason, seconds: number): void;
  /** The answer is out (or the connection ended first: `aborted`). */
  finished(ctx: EdgeContext, status: number, aborted: boolean): void;
  failed(ctx: EdgeContext, err: unknown): void;
}

/** `mode` label: forward-auth decisions apart from proxied requests (upgrades are proxied too). */
function modeOf(ctx: EdgeContext): string {
  return ctx.door === 'forward-auth' ? 'forward-auth' : 'proxy';
}

export function createEdgeObserver(deps: { metrics: Metrics; logger: Logger; accessLog: boolean }): EdgeObserver {
  const { metrics, logger } = deps;
  // Decided once: below info, no access line is built at all.
  const accessLog = deps.accessLog && logger.isLevelEnabled('info');
  const requestsOf = memoChildren((route: string, method: string, status: number, mode: string) => metrics.requests.labels(route, method, String(status), mode));
  const durationOf = memoChildren((route: string) => metrics.requestDuration.labels(route));
  const decisionsOf = memoChildren((route: string, reason: string, mode: string) => metrics.authDecisions.labels(route, reason === 'ok' ? 'allow' : 'deny', reason, mode));

  return {
    decided(ctx, reason, seconds) {
      decisionsOf(ctx.routeName, reason, modeOf(ctx)).inc();
      metrics.authDuration.observe(seconds);
    },
    finished(ctx, status, aborted) {
      const seconds = (performance.now() - ctx.started) / 1000;
      requestsOf(ctx.routeName, methodLabel(ctx.method), status, modeOf(ctx)).inc();
      durationOf(ctx.routeName).observe(seconds);
      if (ctx.audited) logger.warn({ reqId: ctx.requestId, route: ctx.routeName, reason: ctx.reason, mode: modeOf(ctx) }, 'audit mode: would deny');
      if (!accessLog) return;
      logger.info({
        reqId: ctx.requestId, mode: modeOf(ctx), route: ctx.routeName, method: ctx.method, status, reason: ctx.reason, tokenId: ctx.principal?.tokenId,
        ms: Math.round(seconds * 1e4) / 10, authMs: ctx.authMs, aborted: aborted || undefined,
      }, 'request');
    },
    failed(ctx, err) {
      logger.error({ reqId: ctx.requestId, route: ctx.routeName, err }, 'edge pipeline failed');
    },
  };
}
