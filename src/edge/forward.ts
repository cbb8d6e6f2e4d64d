/**
 * Sends an allowed request upstream through undici (one keep-alive pool per upstream origin) and streams
 * both bodies with backpressure. The framing the upstream sees is undici's, computed from the body actually
 * sent: the client's Content-Length when Node has checked it, chunked for a chunked body, none without one.
 * Timeouts are undici's (`headersTimeout`, `bodyTimeout` = the route's `timeout`): 504; any other failure: 502.
 */
import type { ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { ErrorFields } from '../errors.js';
import { hasBody } from '../http/framing.js';
import { sendError } from '../http/error-response.js';
import type { EdgeContext } from './context.js';
import { REFUSALS } from './refusals.js';
import { upstreamPath, type CompiledRoute } from './routes.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './upstream-headers.js';

/** Idle upstream connections close before Node's default 5 s server keep-alive would close them under us. */
const UPSTREAM_IDLE_MS = 4_000;
const MAX_CONNECTIONS_PER_UPSTREAM = 512;
const CONNECT_TIMEOUT_MAX_MS = 10_000;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export interface ForwardObserver {
  /** Seconds from dispatch to upstream response headers. */
  upstream(route: CompiledRoute, seconds: number): void;
}

export interface Forwarder {
  /** `cors`: the route's CORS answer headers for this request's Origin, set on the response in place of the upstream's. */
  forward(ctx: EdgeContext, res: ServerResponse, trustedPeer: boolean, cors: Record<string, string> | null): void;
  close(): Promise<void>;
}

/** One request's exchange with the upstream: undici's handler interface, writing straight into the response. */
class Exchange implements Dispatcher.DispatchHandler {
  private resume: (() => void) | null = null;

  constructor(
    private readonly ctx: EdgeContext,
    private readonly res: ServerResponse,
    private readonly observer: ForwardObserver,
    private readonly started: number,
    private readonly cors: Record<string, string> | null,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.ctx.abandon = () => abort(new Error('client went away'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // Interim answers (100, 103) are the upstream's business with us; the client gets the final one.
    if (statusCode < 200) return true;
    this.observer.upstream(this.ctx.route!, (performance.now() - this.started) / 1000);
    this.resume = resume;
    const headers = downstreamResponseHeaders(rawHeaders, this.cors !== null);
    if (this.cors) for (const name in this.cors) headers.push(name, this.cors[name]!);
    this.res.writeHead(statusCode, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', this.resume!);
    return false;
  }

  onComplete(): void {
    this.res.end();
  }

  onError(err: Error): void {
    if (this.res.headersSent || this.res.destroyed) {
      this.res.destroy();
      return;
    }
    const code = (err as { code?: string }).code;
    const answer: ErrorFields = code !== undefined && TIMEOUT_CODES.has(code) ? REFUSALS.upstreamTimeout : REFUSALS.upstreamRefused;
    sendError(this.res, answer, this.ctx.requestId);
  }
}

export function createForwarder(observer: ForwardObserver): Forwarder {
  const pools = new Map<string, Pool>();

  function poolFor(route: CompiledRoute): Pool {
    const origin = route.upstream.origin;
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: MAX_CONNECTIONS_PER_UPSTREAM,
        keepAliveTimeout: UPSTREAM_IDLE_MS,
        keepAliveMaxTimeout: UPSTREAM_IDLE_MS,
        connect: { timeout: Math.min(route.config.timeout, CONNECT_TIMEOUT_MAX_MS) },
      });
      pools.set(origin, pool);
    }
    return pool;
  }

  return {
    forward(ctx, res, trustedPeer, cors) {
      const route = ctx.route!;
      const req = ctx.req;
      const body = hasBody(req) ? req : null;
      // The client's `Expect: 100-continue` is answered here, now that the request is authorized.
      if (body && req.headers.expect !== undefined) res.writeContinue();
      const exchange = new Exchange(ctx, res, observer, performance.now(), cors);
      poolFor(route).dispatch({
        method: ctx.method as Dispatcher.HttpMethod,
        path: upstreamPath(route, ctx.path, ctx.query),
        headers: upstreamRequestHeaders(ctx, trustedPeer),
        body,
        headersTimeout: route.config.timeout,
        bodyTimeout: route.config.timeout,
      }, exchange);
    },
    async close() {
      const closing = [...pools.values()].map((pool) => pool.destroy());
      pools.clear();
      await Promise.allSettled(closing);
    },
  };
}
