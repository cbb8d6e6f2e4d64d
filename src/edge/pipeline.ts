/**
 * The edge pipeline, run by every door (proxied requests, WebSocket upgrades, forward-auth decisions):
 *
 *   framing → host → path → route → authenticate → authorize → rate limit → audit
 *
 * Each step refuses or moves on; the result is a Decision the door turns into an answer. A decision comes
 * back synchronously unless a step waits on the store (a token the local cache cannot vouch for, a rate limit).
 */
import type { ErrorFields } from '../errors.js';
import { isPreflight, preflight } from '../http/cors.js';
import { framingProblem, type FramingProblem } from '../http/framing.js';
import { absoluteAuthority, parseHost } from '../http/host.js';
import type { DecisionReason } from '../ops/metrics.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { authenticateCached, verifyToken, type Authentication } from './authenticate.js';
import { authorize, type AuthorizeDenial } from './authorize.js';
import { hasQueryToken, urlCarriesSecret } from './bearer.js';
import type { EdgeContext } from './context.js';
import { normalizeTarget } from './normalize-path.js';
import type { RateLimitCheck } from './rate-limit.js';
import { insufficientScope, REFUSALS } from './refusals.js';
import type { CompiledRoute, RouteTable } from './routes.js';

export type Decision =
  | { kind: 'allow' }
  | { kind: 'refuse'; error: ErrorFields }
  /** A CORS preflight on a route with `cors`: answered by the gateway, no token needed. */
  | { kind: 'preflight'; allowed: boolean; headers: Record<string, string> };

export interface PipelineDeps {
  /** The current route table (replaced on reload). */
  routes(): RouteTable;
  lifecycle: TokenLifecycle;
  /** Consulted only for routes with a `rateLimit`. */
  rateLimit: RateLimitCheck;
  /** `listen.limits.maxHeaders`. */
  maxHeaders: number;
  /** An authorization decision was made (counted and timed by the observer). */
  decided(ctx: EdgeContext, reason: DecisionReason, seconds: number): void;
}

export type Pipeline = (ctx: EdgeContext) => Decision | Promise<Decision>;

const ALLOW: Decision = { kind: 'allow' };
/** A tunnel, and methods that echo the request (cookies and credentials included) back to the client. */
const REFUSED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

const FRAMING_REFUSALS: Record<FramingProblem, ErrorFields> = {
  'transfer-encoding': REFUSALS.unsupportedTransferEncoding,
  'doubled-host': REFUSALS.doubledHost,
  'framing-in-connection': REFUSALS.framingInConnection,
  'too-many-headers': REFUSALS.tooManyHeaders,
  'upgrade-with-body': REFUSALS.upgradeWithBody,
  'unsupported-upgrade': REFUSALS.unsupportedUpgrade,
};

function refuse(error: ErrorFields): Decision {
  return { kind: 'refuse', error };
}

function denialError(denied: AuthorizeDenial): ErrorFields {
  if (denied.reason === 'insufficient_scope') return insufficientScope(denied.required);
  if (denied.reason === 'malformed') return REFUSALS.repeatedAppHeader;
  return REFUSALS.invalidToken;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { lifecycle } = deps;

  /** Records the decision; a refusal on a route in audit mode is let through, and logged as such by the door. */
  function conclude(ctx: EdgeContext, route: CompiledRoute, reason: DecisionReason, error: ErrorFields | null, authStarted: number): Decision {
    const seconds = (performance.now() - authStarted) / 1000;
    ctx.reason = reason;
    ctx.authMs = Math.round(seconds * 1e5) / 100;
    deps.decided(ctx, reason, seconds);
    if (error === null) return ALLOW;
    if (route.config.mode !== 'audit') return refuse(error);
    ctx.audited = true;
    return ALLOW;
  }

  function limit(ctx: EdgeContext, route: CompiledRoute, authStarted: number): Promise<Decision> {
    return deps.rateLimit(ctx, route).then((denial) => {
      if (denial) return conclude(ctx, route, 'rate_limited', denial, authStarted);
      // Anonymous requests within their limit are not authorization decisions; only their refusals count.
      return route.config.auth === 'none' ? ALLOW : conclude(ctx, route, 'ok', null, authStarted);
    });
  }

  function admit(ctx: EdgeContext, route: CompiledRoute, authn: Authentication, authStarted: number): Decision | Promise<Decision> {
    if (!authn.ok) return conclude(ctx, route, authn.reason, authn.error, authStarted);
    const denied = authorize(route, authn.principal, ctx.params, ctx.req.rawHeaders);
    if (denied) return conclude(ctx, route, denied.reason, denialError(denied), authStarted);
    ctx.principal = authn.principal;
    if (!route.config.rateLimit) return conclude(ctx, route, 'ok', null, authStarted);
    return limit(ctx, route, authStarted);
  }

  function authenticate(ctx: EdgeContext, route: CompiledRoute): Decision | Promise<Decision> {
    const authStarted = performance.now();
    const known = authenticateCached(ctx.req.rawHeaders, lifecycle);
    if (typeof known !== 'string') return admit(ctx, route, known, authStarted);
    // Only a token the local cache cannot vouch for waits on the store.
    return verifyToken(known, lifecycle).then((authn) => admit(ctx, route, authn, authStarted));
  }

  return function decide(ctx) {
    const problem = framingProblem(ctx.req, deps.maxHeaders, ctx.door === 'upgrade', ctx.connectionListed);
    if (problem) return refuse(FRAMING_REFUSALS[problem]);
    if (REFUSED_METHODS.has(ctx.method)) return refuse(REFUSALS.methodNotAllowed);
    // RFC 9112 3.2.2: with an absolute-form target its authority is the host, whatever Host says: for routing
    // and for what is forwarded (Host with preserveHost, X-Forwarded-Host), so both agree.
    const authority = absoluteAuthority(ctx.target);
    if (authority !== null) {
      if (authority === '') return refuse(REFUSALS.badHost);
      ctx.hostHeader = authority;
    }
    const host = parseHost(ctx.hostHeader);
    if (!host) return refuse(REFUSALS.badHost);
    ctx.host = host;
    const target = normalizeTarget(ctx.target);
    if (!target) return refuse(REFUSALS.badPath);
    ctx.path = target.path;
    ctx.query = target.query;
    // Refused on every route, so a token in a URL is never forwarded, logged upstream or cached by anyone.
    if (hasQueryToken(target.query) || urlCarriesSecret(ctx.target)) return refuse(REFUSALS.queryToken);
    const match = deps.routes().match(ctx.method, target.path, host.name);
    if (!match || (ctx.door === 'upgrade' && !match.route.config.websocket)) return refuse(REFUSALS.noRoute);
    const route = match.route;
    ctx.route = route;
    ctx.params = match.params;
    // A binding header listed in Connection would be judged here and then dropped before the upstream.
    if (route.appHeader !== null && ctx.connectionListed?.has(route.appHeader)) return refuse(REFUSALS.hopByHopAppHeader);
    // A preflight carries no token by design; on the forward-auth door it passes, and the ingress forwards it.
    if (route.cors !== null && ctx.door !== 'upgrade' && isPreflight(ctx.method, ctx.req.headers)) {
      const answer = preflight(route.cors, ctx.req.headers);
      // An ingress cannot relay a preflight answer on a 2xx: an allowed one passes to the upstream, a refused one stops.
      if (ctx.door === 'forward-auth') return answer.allowed ? ALLOW : refuse(REFUSALS.corsRefused);
      return { kind: 'preflight', allowed: answer.allowed, headers: answer.headers };
    }
    if (route.config.auth === 'none') return route.config.rateLimit ? limit(ctx, route, performance.now()) : ALLOW;
    return authenticate(ctx, route);
  };
}

/**
 * Runs the pipeline for one door and hands the decision to `answer(ctx, to, decision)`; a step that throws or
 * rejects goes to `fail`. `to` is where the door answers (a response, a socket); no closure is made unless a step waits.
 */
export function runPipeline<T>(
  pipeline: Pipeline,
  ctx: EdgeContext,
  to: T,
  answer: (ctx: EdgeContext, to: T, decision: Decision) => void,
  fail: (ctx: EdgeContext, to: T, err: unknown) => void,
): void {
  let decision: Decision | Promise<Decision>;
  try {
    decision = pipeline(ctx);
  } catch (err) {
    return fail(ctx, to, err);
  }
  if (decision instanceof Promise) decision.then((d) => answer(ctx, to, d), (err: unknown) => fail(ctx, to, err));
  else answer(ctx, to, decision);
}
