/** The one object a request carries through the edge pipeline: what is being decided, and what was decided. */
import type { IncomingMessage } from 'node:http';
import type { Host } from '../http/host.js';
import { connectionListed } from '../http/raw-headers.js';
import type { DecisionReason } from '../ops/metrics.js';
import type { Principal } from '../types.js';
import type { CompiledRoute } from './routes.js';

/** How the request came in: proxied, as a WebSocket upgrade, or as a forward-auth question from an ingress. */
export type Door = 'proxy' | 'upgrade' | 'forward-auth';

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_HOST: Host = { name: '', port: null };

export class EdgeContext {
  /** performance.now() when the request arrived. */
  readonly started = performance.now();
  /** The request's method, target and Host: the request's own, or, on the forward-auth door, the original request's. */
  method: string;
  target: string;
  hostHeader: string | undefined;
  /** Filled by the pipeline as it goes. */
  host: Host = NO_HOST;
  path = '/';
  query = '';
  route: CompiledRoute | null = null;
  params: Record<string, string> = NO_PARAMS;
  principal: Principal | null = null;
  /** Why the pipeline allowed or refused (auth routes, and rate-limited anonymous ones). */
  reason: DecisionReason | undefined = undefined;
  /** A refusal that `mode: audit` let through. */
  audited = false;
  /** Milliseconds spent authenticating and authorizing. */
  authMs: number | undefined = undefined;
  /** Set while the request is upstream: cancels it when the client leaves first. */
  abandon: (() => void) | null = null;
  /** Names the request's `Connection` headers list (null when there is none): read once, by framing, routing and forwarding. */
  readonly connectionListed: Set<string> | null;

  constructor(
    readonly req: IncomingMessage,
    readonly door: Door,
    readonly requestId: string,
  ) {
    this.method = req.method ?? 'GET';
    this.target = req.url ?? '/';
    this.hostHeader = req.headers.host;
    this.connectionListed = connectionListed(req.rawHeaders);
  }

  get routeName(): string {
    return this.route === null ? 'none' : this.route.name;
  }
}
