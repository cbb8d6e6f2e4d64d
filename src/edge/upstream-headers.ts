/**
 * Headers that cross the gateway. Hop-by-hop headers and every name listed in `Connection` are
 * dropped in both directions before the gateway adds its own, so a client cannot delete them.
 */
import { BlockList, isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../types.js';
import type { CompiledRoute } from './routes.js';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'proxy-authorization', 'proxy-authenticate', 'http2-settings',
]);
const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-real-ip']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Lower case with `_` as `-`: `X_Auth_App` and `X-Auth-App` reach a CGI upstream as the same name. */
function canonical(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/** Names a `Connection` header declares hop-by-hop, from every Connection header present. */
function connectionListed(raw: readonly string[]): Set<string> | null {
  let listed: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    // Length first: most names are not 10 characters long, so most need no lower-casing.
    if (raw[i]!.length !== 10 || raw[i]!.toLowerCase() !== 'connection') continue;
    listed ??= new Set();
    for (const token of raw[i + 1]!.split(',')) listed.add(canonical(token.trim()));
  }
  return listed;
}

/** Which peers may set X-Forwarded-*: compiled once from `listen.trustedProxies`. */
export function createTrust(entries: readonly string[]): (address: string | undefined) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [ip, bits] = entry.split('/');
    const type = isIPv6(ip!) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip!, type);
    else list.addSubnet(ip!, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
    return list.check(v4, isIPv6(v4) ? 'ipv6' : 'ipv4');
  };
}

/** The client's X-Request-Id when it is sane, else a fresh one. */
export function pickRequestId(value: string | string[] | undefined, fresh: () => string): string {
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : fresh();
}

export interface ForwardContext {
  route: CompiledRoute;
  principal: Principal | null;
  requestId: string;
  trustedPeer: boolean;
}

/** Rebuilt from the request below, whoever the peer is: the client's own values are never passed on. */
const RECOMPUTED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', 'host']);

/** The header set sent upstream for one request, as a flat [name, value, ...] list (http.request takes it as is). */
export function upstreamRequestHeaders(req: IncomingMessage, ctx: ForwardContext): string[] {
  const raw = req.rawHeaders;
  const listed = connectionListed(raw);
  const config = ctx.route.config;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    const canon = lower.includes('_') ? canonical(lower) : lower;
    if (HOP_BY_HOP.has(canon) || listed?.has(canon)) continue;
    if (canon.startsWith('x-auth-') || RECOMPUTED.has(canon)) continue;
    if (canon === 'authorization' && !config.forwardAuthorization) continue;
    if (FORWARDED.has(canon) && !ctx.trustedPeer) continue;
    out.push(lower, raw[i + 1]!);
  }

  const peer = req.socket.remoteAddress ?? '';
  const originalHost = req.headers.host ?? '';
  const prior = ctx.trustedPeer ? req.headers['x-forwarded-for'] : undefined;
  const proto = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  out.push(
    'x-forwarded-for', prior ? `${prior}, ${peer}` : peer,
    'x-forwarded-proto', (ctx.trustedPeer && (req.headers['x-forwarded-proto'] as string | undefined)) || proto,
    'x-forwarded-host', (ctx.trustedPeer && (req.headers['x-forwarded-host'] as string | undefined)) || originalHost,
    'host', config.preserveHost && originalHost ? originalHost : ctx.route.upstream.host,
    'x-request-id', ctx.requestId,
  );

  const p = ctx.principal;
  if (p) {
    out.push('x-auth-app', p.app, 'x-auth-subject', p.subject, 'x-auth-scopes', p.scopes.join(' '), 'x-auth-token-id', p.tokenId);
    if (p.clientId !== undefined) out.push('x-auth-client-id', p.clientId);
  }
  return out;
}

/** The upstream's response headers as a flat raw list, hop-by-hop ones removed. */
export function downstreamResponseHeaders(raw: readonly string[]): string[] {
  const listed = connectionListed(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
