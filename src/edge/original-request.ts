/**
 * The request an ingress asks a forward-auth decision about. Each ingress describes it its own way, and passes the
 * client's own headers along too, so only the configured ingress's convention is read — a header of another
 * convention is the client's, and must not choose the path being judged:
 *   nginx     X-Original-URL (ingress-nginx `auth-url`, absolute) or X-Original-URI (`auth_request`), exactly one;
 *             X-Original-Method; the host from the URL, else Host
 *   traefik,  X-Forwarded-Uri, X-Forwarded-Method, X-Forwarded-Host (ForwardAuth and `forward_auth` set them and
 *   caddy     replace a client's)
 *   envoy     ext_authz HTTP service: the original path after the endpoint's prefix, the original method and Host
 * Every header read must appear at most once.
 */
import type { IncomingMessage } from 'node:http';
import { REPEATED, singleHeader } from '../http/raw-headers.js';

export type Ingress = 'nginx' | 'traefik' | 'caddy' | 'envoy';

export interface OriginalRequest {
  method: string;
  /** Origin-form request target: path and query, as the client sent them. */
  target: string;
  host: string | undefined;
}

const ABSOLUTE_URL = /^https?:\/\/([^/?#]*)(.*)$/i;
const METHOD = /^[A-Z]{1,16}$/;
/** A header that appears more than once: the request is refused. */
const BAD = null;

function one(raw: readonly string[], name: string): string | undefined | typeof BAD {
  const value = singleHeader(raw, name);
  return value === REPEATED ? BAD : value;
}

function described(method: string | undefined | typeof BAD, fallback: string | undefined, target: string, host: string | undefined): OriginalRequest | null {
  if (method === BAD) return null;
  const verb = method ?? fallback ?? 'GET';
  return METHOD.test(verb) ? { method: verb, target, host } : null;
}

function fromNginx(req: IncomingMessage): OriginalRequest | null {
  const raw = req.rawHeaders;
  const url = one(raw, 'x-original-url');
  const uri = one(raw, 'x-original-uri');
  // Both present means one of them is the client's: ingress-nginx sets the URL, a plain auth_request the URI.
  if (url === BAD || uri === BAD || (url === undefined) === (uri === undefined)) return null;
  const method = one(raw, 'x-original-method');
  if (uri !== undefined) return described(method, req.method, uri, req.headers.host);
  const m = ABSOLUTE_URL.exec(url!);
  return m ? described(method, req.method, m[2] || '/', m[1]) : null;
}

function fromForwarded(req: IncomingMessage): OriginalRequest | null {
  const raw = req.rawHeaders;
  const uri = one(raw, 'x-forwarded-uri');
  const host = one(raw, 'x-forwarded-host');
  if (uri === BAD || uri === undefined || host === BAD) return null;
  return described(one(raw, 'x-forwarded-method'), 'GET', uri, host ?? req.headers.host);
}

function fromEnvoy(req: IncomingMessage, prefix: string): OriginalRequest | null {
  const rest = (req.url ?? '/').slice(prefix.length);
  return described(undefined, req.method, rest === '' || rest[0] === '?' ? `/${rest}` : rest, req.headers.host);
}

/** The original request, or null when the ingress's headers are missing, repeated or contradictory (400). */
export function originalRequest(req: IncomingMessage, prefix: string, ingress: Ingress): OriginalRequest | null {
  if (ingress === 'nginx') return fromNginx(req);
  if (ingress === 'envoy') return fromEnvoy(req, prefix);
  return fromForwarded(req);
}
