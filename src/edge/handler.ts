/**
 * The edge request pipeline, top to bottom:
 *   normalize the path → match a route → authenticate → authorize → forward upstream.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../ops/logger.js';
import { memoChildren } from '../ops/metric-children.js';
import { methodLabel, type DecisionReason, type Metrics } from '../ops/metrics.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import type { Principal } from '../types.js';
import { authenticateCached, verifyToken, type Authentication } from './authenticate.js';
import { authorize } from './authorize.js';
import type { Forwarder } from './forward.js';
import { framingError } from './framing.js';
import { normalizeTarget } from './normalize-path.js';
import type { RateLimitCheck } from './rate-limit.js';
import { EDGE_ERRORS, refusalError, sendEdgeError, type EdgeError } from './respond.js';
import { upstreamPath, type CompiledRoute, type RouteMatch, type RouteTable } from './routes.js';
import { pickRequestId, upstreamRequestHeaders } from './upstream-headers.js';

export interface EdgeDeps {
  /** The current route table (replaced on reload). */
  routes(): RouteTable;
  lifecycle: TokenLifecycle;
  forward: Forwarder;
  /** Consulted only for routes with a `rateLimit`. */
  rateLimit: RateLimitCheck;
  trust(address: string | undefined): boolean;
  metrics: Metrics;
  logger: Logger;
  accessLog: boolean;
}

/** What the access log and metrics learn about one request as it moves through the pipeline. */
interface Outcome {
  route: string;
  reason?: DecisionReason;
  tokenId?: string;
  /** Milliseconds spent authenticating and authorizing. */
  authMs?: number;
}

export function createEdgeHandler(deps: EdgeDeps) {
  const { lifecycle, metrics, logger } = deps;
  const requestsOf = memoChildren((route: string, method: string, status: number) => metrics.requests.labels(route, method, String(status)));
  const durationOf = memoChildren((route: string) => metrics.requestDuration.labels(route));
  const decisionsOf = memoChildren((route: string, result: string, reason: string) => metrics.authDecisions.labels(route, result, reason));

  function record(req: IncomingMessage, res: ServerResponse, outcome: Outcome, requestId: string, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    requestsOf(outcome.route, methodLabel(req.method), res.statusCode).inc();
    durationOf(outcome.route).observe(seconds);
    if (deps.accessLog) {
      logger.info({ reqId: requestId, route: outcome.route, method: req.method, status: res.statusCode, reason: outcome.reason, tokenId: outcome.tokenId, ms: Math.round(seconds * 1e4) / 10, authMs: outcome.authMs, aborted: !res.writableFinished || undefined }, 'request');
    }
  }

  function decide(route: CompiledRoute, outcome: Outcome, reason: DecisionReason, authStarted: number): void {
    outcome.reason = reason;
    decisionsOf(route.name, reason === 'ok' ? 'allow' : 'deny', reason).inc();
    const seconds = (performance.now() - authStarted) / 1000;
    outcome.authMs = Math.round(seconds * 1e5) / 100;
    metrics.authDuration.observe(seconds);
  }

  function forwardTo(req: IncomingMessage, res: ServerResponse, match: RouteMatch, query: string, path: string, principal: Principal | null, requestId: string): void {
    const trustedPeer = deps.trust(req.socket.remoteAddress);
    const headers = upstreamRequestHeaders(req, { route: match.route, principal, requestId, trustedPeer });
    deps.forward(req, res, match.route, upstreamPath(match.route, path, query), headers, requestId);
  }

  function authenticateAndForward(req: IncomingMessage, res: ServerResponse, match: RouteMatch, path: string, query: string, outcome: Outcome, requestId: string): void {
    const authStarted = performance.now();
    const known = authenticateCached(req, query, lifecycle);
    if (typeof known !== 'string') return admit(req, res, match, path, query, outcome, requestId, known, authStarted);
    // Only a token the local cache cannot answer for waits on the store.
    verifyToken(known, lifecycle)
      .then((authn) => admit(req, res, match, path, query, outcome, requestId, authn, authStarted))
      .catch((err: unknown) => fail(res, err, requestId));
  }

  /** Authorizes the authenticated caller and applies the route's rate limit, then forwards or refuses. */
  function admit(req: IncomingMessage, res: ServerResponse, match: RouteMatch, path: string, query: string, outcome: Outcome, requestId: string, authn: Authentication, authStarted: number): void {
    const route = match.route;
    if (!authn.ok) {
      decide(route, outcome, authn.reason, authStarted);
      return conclude(req, res, match, path, query, outcome, requestId, null, authn.error);
    }
    outcome.tokenId = authn.principal.tokenId;
    const refused = authorize(route, authn.principal, match.params, req.headers);
    if (refused) {
      decide(route, outcome, refused.reason, authStarted);
      return conclude(req, res, match, path, query, outcome, requestId, null, refusalError(refused));
    }
    if (!route.config.rateLimit) {
      decide(route, outcome, 'ok', authStarted);
      return conclude(req, res, match, path, query, outcome, requestId, authn.principal, null);
    }
    deps.rateLimit(req, route, authn.principal)
      .then((denial) => {
        decide(route, outcome, denial ? 'rate_limited' : 'ok', authStarted);
        conclude(req, res, match, path, query, outcome, requestId, authn.principal, denial);
      })
      .catch((err: unknown) => fail(res, err, requestId));
  }

  /** Refuses, or in audit mode logs what would have been refused, and forwards. */
  function conclude(req: IncomingMessage, res: ServerResponse, match: RouteMatch, path: string, query: string, outcome: Outcome, requestId: string, principal: Principal | null, denial: EdgeError | null): void {
    if (denial && match.route.config.mode !== 'audit') return sendEdgeError(res, denial, requestId);
    if (denial) logger.warn({ reqId: requestId, route: match.route.name, reason: outcome.reason }, 'audit mode: would deny');
    forwardTo(req, res, match, query, path, principal, requestId);
  }

  /** `auth: none` routes with a `perIp` limit: counted, never authenticated. */
  async function limitAnonymous(req: IncomingMessage, res: ServerResponse, match: RouteMatch, path: string, query: string, outcome: Outcome, requestId: string): Promise<void> {
    const refusal = await deps.rateLimit(req, match.route, null);
    if (refusal) {
      outcome.reason = 'rate_limited';
      metrics.authDecisions.labels(match.route.name, 'deny', 'rate_limited').inc();
      if (match.route.config.mode !== 'audit') return sendEdgeError(res, refusal, requestId);
    }
    forwardTo(req, res, match, query, path, null, requestId);
  }

  function fail(res: ServerResponse, err: unknown, requestId: string): void {
    logger.error({ reqId: requestId, err }, 'edge pipeline failed');
    sendEdgeError(res, { status: 500, error: 'server_error', description: 'internal error' }, requestId);
  }

  return function handleEdgeRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const requestId = pickRequestId(req.headers['x-request-id'], randomUUID);
    const outcome: Outcome = { route: 'none' };
    res.once('close', () => record(req, res, outcome, requestId, started));

    const badFraming = framingError(req);
    if (badFraming) return sendEdgeError(res, badFraming, requestId);
    const target = normalizeTarget(req.url ?? '/');
    if (!target) return sendEdgeError(res, EDGE_ERRORS.badPath, requestId);
    const match = deps.routes().match(req.method ?? 'GET', target.path, req.headers.host);
    if (!match) return sendEdgeError(res, EDGE_ERRORS.noRoute, requestId);
    outcome.route = match.route.name;
    if (match.route.config.auth === 'none') {
      if (!match.route.config.rateLimit) return forwardTo(req, res, match, target.query, target.path, null, requestId);
      return void limitAnonymous(req, res, match, target.path, target.query, outcome, requestId).catch((err: unknown) => fail(res, err, requestId));
    }

    try {
      authenticateAndForward(req, res, match, target.path, target.query, outcome, requestId);
    } catch (err) {
      fail(res, err, requestId);
    }
  };
}
