/**
 * Headers that cross the gateway. Hop-by-hop headers and every name listed in `Connection` are dropped in
 * both directions, and the gateway's own headers are built from scratch, so a client can neither delete nor
 * forge them. Framing (Content-Length / Transfer-Encoding) is set by the forwarder from the body it sends.
 */
import { connectionListed } from '../http/raw-headers.js';
import type { EdgeContext } from './context.js';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'proxy-authorization', 'proxy-authenticate', 'http2-settings',
]);
/** The gateway answers `Expect: 100-continue` itself, once the request is authorized. */
const ANSWERED_HERE = 'expect';
/** Who the client is and how it came in: believed only from a trusted proxy (and the `x-forwarded-*` family). */
const CLIENT_ORIGIN = new Set(['forwarded', 'x-real-ip', 'true-client-ip', 'x-client-ip', 'client-ip', 'x-proxyuser-ip', 'x-cluster-client-ip', 'x-original-forwarded-for', 'cf-connecting-ip', 'fastly-client-ip']);
/**
 * Headers with which frameworks (Symfony, IIS URL Rewrite, Rails, Express method-override) act on another path
 * or method than the one in the request line: the upstream would act on what tollgate did not authorize.
 */
const REDIRECTING = new Set(['x-original-url', 'x-rewrite-url', 'x-original-uri', 'x-original-method', 'x-http-method-override', 'x-http-method', 'x-method-override', 'x-host']);
/** Rebuilt below whoever the peer is: the client's own values are never passed on. */
const RECOMPUTED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', 'host']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-Id when it is sane, else a fresh one. */
export function pickRequestId(value: string | string[] | undefined, fresh: () => string): string {
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : fresh();
}

/** The identity the gateway vouches for, as header pairs (also the forward-auth answer). */
export function identityHeaders(ctx: EdgeContext, out: string[]): void {
  const p = ctx.principal;
  if (!p) return;
  out.push('x-auth-app', p.app, 'x-auth-subject', p.subject, 'x-auth-scopes', p.scopes.join(' '), 'x-auth-token-id', p.tokenId);
  if (p.clientId !== undefined) out.push('x-auth-client-id', p.clientId);
}

/**
 * The header list sent upstream, flat [name, value, ...]. The gateway's own headers come first, so an
 * upstream that stops reading after its own header limit still sees them.
 */
export function upstreamRequestHeaders(ctx: EdgeContext, trustedPeer: boolean): string[] {
  const req = ctx.req;
  const route = ctx.route!;
  const config = route.config;
  const raw = req.rawHeaders;
  const peer = req.socket.remoteAddress ?? '';
  const originalHost = ctx.hostHeader ?? '';
  const prior = trustedPeer ? req.headers['x-forwarded-for'] : undefined;
  const proto = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  const out: string[] = [
    'host', config.preserveHost && originalHost ? originalHost : route.upstream.host,
    'x-request-id', ctx.requestId,
    'x-forwarded-for', prior ? `${prior}, ${peer}` : peer,
    'x-forwarded-proto', (trustedPeer && (req.headers['x-forwarded-proto'] as string | undefined)) || proto,
    'x-forwarded-host', (trustedPeer && (req.headers['x-forwarded-host'] as string | undefined)) || originalHost,
  ];
  identityHeaders(ctx, out);

  const listed = ctx.connectionListed;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    // As nginx does by default: a CGI-style upstream reads `X_Auth_App` or `Content_Length` as the dashed header,
    // so an underscore name could stand in for any header this filter governs.
    if (lower.includes('_')) continue;
    if (HOP_BY_HOP.has(lower) || lower === ANSWERED_HERE || listed?.has(lower)) continue;
    if (lower.startsWith('x-auth-') || RECOMPUTED.has(lower) || REDIRECTING.has(lower)) continue;
    if (lower === 'authorization' && !config.forwardAuthorization) continue;
    if (!trustedPeer && (lower.startsWith('x-forwarded-') || CLIENT_ORIGIN.has(lower))) continue;
    out.push(lower, raw[i + 1]!);
  }
  return out;
}

const CORS_ANSWERS = new Set(['access-control-allow-origin', 'access-control-allow-credentials']);

/** The upstream's response headers as a flat list of strings, hop-by-hop ones removed (and its CORS answer, when the route gives its own). */
export function downstreamResponseHeaders(raw: readonly Buffer[], ownCors = false): string[] {
  const names: string[] = [];
  // Header bytes are latin1 on the wire; decoding them as such passes them through unchanged.
  for (let i = 0; i < raw.length; i++) names.push(raw[i]!.toString('latin1'));
  const listed = connectionListed(names);
  const out: string[] = [];
  for (let i = 0; i < names.length; i += 2) {
    const lower = names[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower) || (ownCors && CORS_ANSWERS.has(lower))) continue;
    out.push(names[i]!, names[i + 1]!);
  }
  return out;
}
