/** Sends an authorized request upstream and streams both bodies; 502 on refusal, 504 on timeout. */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { EDGE_ERRORS, sendEdgeError } from './respond.js';
import type { CompiledRoute } from './routes.js';
import { createUpstreamDeadlines, type UpstreamExchange } from './upstream-deadlines.js';
import { downstreamResponseHeaders } from './upstream-headers.js';

/** Idle upstream sockets close before Node's default 5 s server keep-alive would close them under us. */
const UPSTREAM_IDLE_MS = 4_000;

export interface ForwardObserver {
  /** Seconds from dispatch to upstream response headers. */
  upstream(route: CompiledRoute, seconds: number): void;
}

export type Forwarder = (
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute,
  path: string,
  /** Flat [name, value, ...] list, as built by `upstreamRequestHeaders`. */
  headers: string[],
  requestId: string,
) => void;

export function createForwarder(observer: ForwardObserver): { forward: Forwarder; close(): void } {
  const agents = new Map<string, HttpAgent>();
  const deadlines = createUpstreamDeadlines();

  function agentFor(route: CompiledRoute): HttpAgent {
    const origin = route.upstream.origin;
    let agent = agents.get(origin);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: 512, maxFreeSockets: 128, timeout: UPSTREAM_IDLE_MS, scheduling: 'lifo' as const };
      agent = route.upstream.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
      agents.set(origin, agent);
    }
    return agent;
  }

  function forward(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, path: string, headers: string[], requestId: string): void {
    const started = performance.now();
    const upstream = route.upstream;
    const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const proxyReq: ClientRequest = send({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path,
      headers,
      agent: agentFor(route),
    });
    const exchange: UpstreamExchange = deadlines.track(proxyReq, route.config.timeout);
    // The client's `Expect: 100-continue` went upstream with the request; its 100 comes back only now, after authorization.
    if (req.headers.expect !== undefined) proxyReq.on('continue', () => res.writeContinue());
    proxyReq.on('response', (proxyRes) => {
      observer.upstream(route, (performance.now() - started) / 1000);
      res.writeHead(proxyRes.statusCode ?? 502, downstreamResponseHeaders(proxyRes.rawHeaders));
      proxyRes.pipe(res);
      proxyRes.on('error', () => res.destroy());
    });
    proxyReq.on('error', () => {
      deadlines.untrack(exchange);
      if (res.headersSent) res.destroy();
      else sendEdgeError(res, exchange.timedOut ? EDGE_ERRORS.upstreamTimeout : EDGE_ERRORS.upstreamRefused, requestId);
    });
    res.once('close', () => {
      deadlines.untrack(exchange);
      if (!res.writableFinished) proxyReq.destroy();
    });
    req.pipe(proxyReq);
  }

  return {
    forward,
    close() {
      deadlines.close();
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
