/**
 * WebSocket (and other) upgrades. Node hands these to the server's `upgrade` event, past the
 * request handler, so they get the same pipeline here: normalize → match → authenticate →
 * authorize, then a tunnel to the upstream. Routes must opt in with `websocket: true`.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Metrics } from '../ops/metrics.js';
import type { TokenLifecycle } from '../tokens/lifecycle.js';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import { normalizeTarget } from './normalize-path.js';
import { EDGE_ERRORS, refusalError, type EdgeError } from './respond.js';
import { upstreamPath, type RouteTable } from './routes.js';
import { pickRequestId, upstreamRequestHeaders } from './upstream-headers.js';

export interface UpgradeDeps {
  routes(): RouteTable;
  lifecycle: TokenLifecycle;
  trust(address: string | undefined): boolean;
  metrics: Metrics;
}

/** Answers on the raw socket and closes it: there is no ServerResponse for an upgrade. */
function refuse(socket: Duplex, err: EdgeError, requestId: string): void {
  const body = JSON.stringify(err.code === undefined ? { error: err.error, error_description: err.description } : { error: err.error, error_description: err.description, code: err.code });
  const lines = [`HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ''}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, `x-request-id: ${requestId}`, 'connection: close'];
  if (err.challenge) lines.push(`www-authenticate: ${err.challenge}`);
  for (const [name, value] of Object.entries(err.headers ?? {})) lines.push(`${name}: ${value}`);
  // HTTP server sockets allow half-open; destroy once flushed so the connection really ends.
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

/** The tunnel: headers go through the same filtering as any request, then bytes flow both ways. */
function tunnel(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, path: string, headers: ReturnType<typeof upstreamRequestHeaders>, requestId: string, open: Set<Duplex>): void {
  headers.push('connection', 'upgrade', 'upgrade', req.headers.upgrade ?? 'websocket');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const proxyReq = send({ protocol: url.protocol, hostname: url.hostname, port: url.port, method: req.method, path, headers });
  proxyReq.on('upgrade', (proxyRes, upstreamSocket, upstreamHead) => {
    const lines = [`HTTP/1.1 101 ${proxyRes.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < proxyRes.rawHeaders.length; i += 2) lines.push(`${proxyRes.rawHeaders[i]}: ${proxyRes.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    open.add(upstreamSocket);
    upstreamSocket.on('close', () => {
      open.delete(upstreamSocket);
      socket.destroy();
    });
    socket.on('close', () => upstreamSocket.destroy());
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
  });
  proxyReq.on('response', (proxyRes) => {
    // The upstream declined the upgrade: relay its answer and close.
    refuse(socket, { status: proxyRes.statusCode ?? 502, error: 'upgrade_refused', description: 'upstream refused the upgrade' }, requestId);
    proxyRes.resume();
  });
  proxyReq.on('error', () => refuse(socket, EDGE_ERRORS.upstreamRefused, requestId));
  socket.on('error', () => proxyReq.destroy());
  proxyReq.end();
}

export function createUpgradeHandler(deps: UpgradeDeps) {
  /** Live tunnels: the HTTP server stops tracking a socket once it is upgraded, so shutdown needs this. */
  const open = new Set<Duplex>();

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer, requestId: string): Promise<void> {
    const target = normalizeTarget(req.url ?? '/');
    if (!target) return refuse(socket, EDGE_ERRORS.badPath, requestId);
    const match = deps.routes().match(req.method ?? 'GET', target.path, req.headers.host);
    if (!match || !match.route.config.websocket) return refuse(socket, EDGE_ERRORS.noRoute, requestId);
    const route = match.route;
    let principal = null;
    if (route.config.auth !== 'none') {
      const authn = await authenticate(req, target.query, deps.lifecycle);
      if (!authn.ok) {
        deps.metrics.authDecisions.labels(route.name, 'deny', authn.reason).inc();
        return refuse(socket, authn.error, requestId);
      }
      const refused = authorize(route, authn.principal, match.params, req.headers);
      deps.metrics.authDecisions.labels(route.name, refused ? 'deny' : 'allow', refused ? refused.reason : 'ok').inc();
      if (refused) return refuse(socket, refusalError(refused), requestId);
      principal = authn.principal;
    }
    const headers = upstreamRequestHeaders(req, { route, principal, requestId, trustedPeer: deps.trust(req.socket.remoteAddress) });
    tunnel(req, socket, head, route.upstream, upstreamPath(route, target.path, target.query), headers, requestId, open);
  }

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      const requestId = pickRequestId(req.headers['x-request-id'], randomUUID);
      socket.on('error', () => socket.destroy());
      handle(req, socket, head, requestId).catch(() => refuse(socket, { status: 500, error: 'server_error', description: 'internal error' }, requestId));
    },
    /** Ends every open tunnel (shutdown, after the grace period). */
    closeAll(): void {
      for (const socket of open) socket.destroy();
    },
  };
}
