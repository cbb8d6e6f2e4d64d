/**
 * The request an ingress asks a forward-auth decision about, from the conventions of the ingresses in use:
 *   ingress-nginx `auth-url`      X-Original-URL (absolute), X-Original-Method
 *   nginx `auth_request`          X-Original-URI, X-Original-Method (the operator sets them), Host / X-Forwarded-Host
 *   Traefik ForwardAuth, Caddy    X-Forwarded-Uri, X-Forwarded-Method, X-Forwarded-Host
 *   Envoy ext_authz (HTTP)        the original path after the endpoint's prefix, the original method and Host
 * Each of these headers must appear at most once; the caller has already checked the peer is a trusted ingress.
 */
import type { IncomingMessage } from 'node:http';
import { REPEATED, singleHeader } from '../http/raw-headers.js';

export interface OriginalRequest {
  method: string;
  /** Origin-form request target: path and query, as the client sent them. */
  target: string;
  host: string | undefined;
}

const ABSOLUTE_URL = /^https?:\/\/([^/?#]*)(.*)$/i;
const METHOD = /^[A-Z]{1,16}$/;

type Read = string | undefined | null;

/** The header's value, undefined when absent, null when repeated (refused). */
function one(raw: readonly string[], name: string): Read {
  const value = singleHeader(raw, name);
  return value === REPEATED ? null : value;
}

/** The original request, or null when the headers are repeated or cannot describe one (400). */
export function originalRequest(req: IncomingMessage, prefix: string): OriginalRequest | null {
  const raw = req.rawHeaders;
  const originalUrl = one(raw, 'x-original-url');
  const originalUri = one(raw, 'x-original-uri');
  const forwardedUri = one(raw, 'x-forwarded-uri');
  const forwardedHost = one(raw, 'x-forwarded-host');
  const method = one(raw, 'x-original-method') ?? one(raw, 'x-forwarded-method');
  if (originalUrl === null || originalUri === null || forwardedUri === null || forwardedHost === null || method === null) return null;
  const verb = method ?? req.method ?? 'GET';
  if (!METHOD.test(verb)) return null;

  if (originalUrl !== undefined) {
    const m = ABSOLUTE_URL.exec(originalUrl);
    if (!m) return null;
    return { method: verb, target: m[2] || '/', host: m[1] };
  }
  const host = forwardedHost ?? req.headers.host;
  const uri = originalUri ?? forwardedUri;
  if (uri !== undefined) return { method: verb, target: uri, host };
  // Envoy: everything after the prefix is the original path (and query).
  const url = req.url ?? '/';
  const rest = url.slice(prefix.length);
  return { method: verb, target: rest === '' || rest[0] === '?' ? `/${rest}` : rest, host };
}
