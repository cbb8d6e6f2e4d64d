/**
 * One canonical path for authorizing and forwarding. Decodes percent-escapes of unreserved
 * characters only, resolves `.`/`..`, collapses `//`; refuses (null) anything an upstream could
 * read differently: encoded `/` `\` NUL and controls, double encoding, `..;`-style segments,
 * raw characters outside RFC 3986 pchar. Idempotent: normalizing the output changes nothing.
 */

export interface Target {
  /** Canonical path, always starting with `/`. */
  path: string;
  /** Query including its leading `?`, or ''. Forwarded as received. */
  query: string;
}

const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
/** Brackets and `|` as well: clients send `a[]=1` and `a|b` unencoded, and a query is never routed on. */
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%[\]|]*$/;
/** Characters that Unicode normalization (NFKC) or some servers turn into `.`, `/` or `\`. */
const LOOKALIKE_SEPARATORS = /[\u2024\u2025\u2215\u2216\uFE52\uFE68\uFF0E\uFF0F\uFF3C]/;
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;
const HEX = '0123456789ABCDEF';
const DOUBLE_ENCODED = /%25[0-9A-Fa-f]{2}/;
/** Already canonical: pchar segments without `%`, `.` or `;`, none empty (a final `/` aside). */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9\-_~!$&'()*+,=:@]+)*\/?$/;

function isUnreserved(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) ||
    code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e;
}

function hexValue(ch: string | undefined): number {
  if (ch === undefined) return -1;
  const v = HEX.indexOf(ch.toUpperCase());
  return v;
}

/** Decodes unreserved escapes, upper-cases the rest; null for escapes that are unsafe or invalid. */
function decodeUnreserved(path: string): string | null {
  if (!path.includes('%')) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const hi = hexValue(path[i + 1]);
    const lo = hexValue(path[i + 2]);
    if (hi < 0 || lo < 0) return null;
    const code = hi * 16 + lo;
    if (code < 0x20 || code === 0x7f || code === 0x2f || code === 0x5c) return null;
    out += isUnreserved(code) ? String.fromCharCode(code) : `%${HEX[hi]}${HEX[lo]}`;
    i += 2;
  }
  // `%25` followed by hex is a double encoding some upstreams decode twice. Checked on the output:
  // `%25%32%65` only becomes `%252e` once the unreserved escapes are decoded.
  return out.includes('%25') && DOUBLE_ENCODED.test(out) ? null : out;
}

/** A segment that some server would treat as empty, `.` or `..` (`;x`, `..;x`, `.%3B`), but is not literally one. */
function isDisguisedDot(segment: string): boolean {
  if (!segment.includes(';') && !segment.includes('%')) return false;
  let plain: string;
  try {
    plain = decodeURIComponent(segment);
  } catch {
    plain = segment;
  }
  const base = plain.split(';')[0];
  return base === '' || base === '.' || base === '..';
}

/** The canonical form of a request target, or null when it cannot be normalized safely (400). */
export function normalizeTarget(rawTarget: string): Target | null {
  let raw = rawTarget;
  const absolute = raw[0] === '/' ? null : ABSOLUTE_FORM.exec(raw);
  if (absolute) raw = raw.slice(absolute[0].length) || '/';
  if (raw[0] !== '/' || raw.includes('#')) return null;
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q);
  if (query !== '' && !QUERY_CHARS.test(query.slice(1))) return null;
  if (PLAIN_PATH.test(rawPath)) return { path: rawPath, query };
  if (!PATH_CHARS.test(rawPath)) return null;
  const path = normalizePath(rawPath);
  return path === null ? null : { path, query };
}

/**
 * False for escapes that are not valid UTF-8 (overlong `%c0%ae` is a `.` to some old decoders) or that decode
 * to a look-alike of a separator.
 */
function plainUtf8(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    return !LOOKALIKE_SEPARATORS.test(decodeURIComponent(path));
  } catch {
    return false;
  }
}

/** Windows servers (IIS) drop trailing dots and spaces: `private.` and `private%20` would be `private` there. */
function endsLikeWindows(segment: string): boolean {
  return segment.endsWith('.') || segment.endsWith('%20');
}

/** The canonical form of a path alone; null when unsafe. */
export function normalizePath(rawPath: string): string | null {
  const decoded = decodeUnreserved(rawPath);
  if (decoded === null || !plainUtf8(decoded)) return null;
  const segments = decoded.split('/');
  const out: string[] = [];
  let trailingSlash = false;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '' || segment === '.') {
      trailingSlash = last;
    } else if (segment === '..') {
      out.pop();
      trailingSlash = last;
    } else if (isDisguisedDot(segment) || endsLikeWindows(segment)) {
      return null;
    } else {
      out.push(segment);
      trailingSlash = false;
    }
  }
  if (out.length === 0) return '/';
  return `/${out.join('/')}${trailingSlash ? '/' : ''}`;
}
