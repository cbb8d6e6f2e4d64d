/**
 * The request's host, normalized once: lower case, no trailing dot, port split off. Anything that is not
 * `name | IPv4 | [IPv6]` with an optional decimal port is refused, so `x@host`, `host:abc` or `host:99999`
 * cannot fall through to a catch-all route.
 */

export interface Host {
  /** Lower case, without a trailing dot or the brackets of an IPv6 literal. '' when the request had no Host. */
  name: string;
  port: number | null;
}

/**
 * DNS names and IPv4 literals only (RFC 3986 would allow sub-delims and %-escapes in a reg-name, which no real
 * host uses and which some upstreams decode: `secure%2elocal` must not slip past a `secure.local` route).
 */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~]*)(?::(\d{0,5}))?$/;
const NO_HOST: Host = { name: '', port: null };

const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)/i;

/** The authority of an absolute-form request target (`http://host:port/path`), or null for origin-form. */
export function absoluteAuthority(target: string): string | null {
  if (target[0] === '/') return null;
  const m = ABSOLUTE_FORM.exec(target);
  return m ? m[1]! : null;
}

/** The normalized host, or null when the value cannot be parsed (400). */
export function parseHost(value: string | undefined): Host | null {
  if (value === undefined) return NO_HOST;
  const m = HOST.exec(value);
  if (!m) return null;
  let name = m[1]!.toLowerCase();
  if (name.startsWith('[')) name = name.slice(1, -1);
  else if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.endsWith('.')) return null;
  let port: number | null = null;
  if (m[2] !== undefined && m[2] !== '') {
    port = Number(m[2]);
    if (port > 65535) return null;
  }
  return { name, port };
}
