/**
 * The upstream side of an allowed WebSocket upgrade: the upgrade request (headers filtered like any
 * request), then bytes both ways. Until the upstream switches protocols the route's `timeout` applies.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { errorFields, type ErrorFields } from '../errors.js';
import type { EdgeContext } from './context.js';
import { REFUSALS } from './refusals.js';
import { upstreamPath } from './routes.js';
import { upstreamRequestHeaders } from './upstream-headers.js';

export interface TunnelEvents {
  /** The upstream switched protocols (101 relayed to the client) or answered otherwise (relayed, then closed). */
  answered(status: number): void;
  refused(error: ErrorFields): void;
}

export function openTunnel(ctx: EdgeContext, socket: Duplex, head: Buffer, trustedPeer: boolean, open: Set<Duplex>, events: TunnelEvents): void {
  const route = ctx.route!;
  const url = route.upstream;
  const headers = upstreamRequestHeaders(ctx, trustedPeer);
  headers.push('connection', 'upgrade', 'upgrade', ctx.req.headers.upgrade!);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const proxyReq = send({ protocol: url.protocol, hostname: url.hostname, port: url.port, method: ctx.method, path: upstreamPath(route, ctx.path, ctx.query), headers, timeout: route.config.timeout });
  let timedOut = false;
  proxyReq.on('timeout', () => {
    timedOut = true;
    proxyReq.destroy();
  });
  proxyReq.on('upgrade', (proxyRes: IncomingMessage, upstreamSocket: Duplex, upstreamHead: Buffer) => {
    proxyReq.setTimeout(0);
    const lines = [`HTTP/1.1 101 ${proxyRes.statusMessage || 'Switching Protocols'}`];
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
    events.answered(101);
  });
  proxyReq.on('response', (proxyRes) => {
    // The upstream declined the upgrade: its status goes back, then the connection closes.
    proxyRes.resume();
    events.refused(errorFields('ERR_TG_UPGRADE_REFUSED', { status: proxyRes.statusCode ?? 502 }));
  });
  proxyReq.on('error', () => events.refused(timedOut ? REFUSALS.upstreamTimeout : REFUSALS.upstreamRefused));
  socket.on('error', () => proxyReq.destroy());
  proxyReq.end();
}
